import { describe, expect, it } from 'vitest';
import { cpus } from 'node:os';
import { idleCores, splitChoice, splitNow, splitPays } from '../../src/pipeline/splitChoice.js';

describe('splitting a case over a helper thread (splitPays)', () => {
  it('splits a lone case on an idle 2-core machine: both threads get a core', () => {
    // 2 cores − load 0.2 = 1.8 idle ≥ 2·1 − 0.5 = 1.5
    expect(splitPays(2, 1, 2, 0.2)).toBe(true);
  });

  it('does not split a lone case when other processes keep a core busy (the default must not lose to --workers 1)', () => {
    // 2 − 1 = 1 idle < 1.5; at load 4 (the shared VM) even less
    expect(splitPays(2, 1, 2, 1)).toBe(false);
    expect(splitPays(2, 1, 2, 4)).toBe(false);
  });

  it('never splits with fewer than two workers per case, however idle the machine', () => {
    expect(splitPays(1, 1, 8, 0)).toBe(false);
    expect(splitPays(3, 2, 8, 0)).toBe(false);
    expect(splitPays(2, 0, 8, 0)).toBe(false);
  });

  it('asks two idle cores of every case it splits', () => {
    // 2 cases × 2 threads = 4 threads: 8 − 3 = 5 idle ≥ 3.5; 8 − 5 = 3 idle < 3.5
    expect(splitPays(4, 2, 8, 3)).toBe(true);
    expect(splitPays(4, 2, 8, 5)).toBe(false);
  });

  it('splits where the platform reports no load average (0, as on Windows), as before', () => {
    expect(splitPays(2, 1, 2, 0)).toBe(true);
  });
});

describe('idle cores now (idleCores, splitNow)', () => {
  it('measures between none and every core idle over the sample', async () => {
    const idle = await idleCores(50);
    // Linux, macOS and Windows all give CPU times.
    expect(idle).not.toBeNull();
    expect(idle!).toBeGreaterThanOrEqual(0);
    expect(idle!).toBeLessThanOrEqual(cpus().length + 1e-9);
  });

  it('never splits what cannot be split, idle or not', () => {
    expect(splitChoice(1, 1)).toBe('no'); // one worker
    expect(splitChoice(3, 2)).toBe('no'); // fewer than two workers a case
  });

  it('a run that may split asks the load average, else the idle cores when a case is evaluated: two a case, less the slack', () => {
    const c = splitChoice(2, 1);
    expect(c === 'yes' || (typeof c === 'object' && c.idle === 2 * 1 - 0.5)).toBe(true);
  });

  it('splitNow: yes and no as chosen; an idle-core choice split when that many cores were idle', async () => {
    expect(await splitNow('yes')).toBe(true);
    expect(await splitNow('no')).toBe(false);
    expect(await splitNow({ idle: 0 })).toBe(true); // never fewer than none idle
    expect(await splitNow({ idle: cpus().length + 1 })).toBe(false); // never more than all
  });
});
