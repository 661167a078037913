// SIGINT / SIGTERM while the engine is busy with one large case on --workers 1: the run
// stops within a second (exit 130 / 143), stdout stays empty and no report file appears.
import { mkdirSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npy, runCliAndSignal, workspace, type Workspace } from '../helpers/cliFixtures.js';

let ws: Workspace;
beforeAll(() => {
  ws = workspace('segloss-bigint-');
  // One 232³ case (12.5 M voxels, 50 MB of float32): with --metrics all it keeps one
  // thread busy for several seconds, far longer than the one second a signal may take.
  const side = 232;
  const n = side ** 3;
  const g = new Uint8Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = i % 7 < 3 ? 1 : 0;
    p[i] = ((i * 2654435761) % 1000) / 1000;
  }
  ws.addCase('big', npy([side, side, side], g), npy([side, side, side], p, 'f4'));
  mkdirSync(ws.path('out'));
});
afterAll(() => ws.cleanup());

describe('a signal during one large case on one worker', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s ends the run within a second with exit %i and writes no report', async (signal, code) => {
    const started = Date.now();
    const r = await runCliAndSignal(
      ['eval', '--workers', '1', '--metrics', 'all', '--losses', 'all', '--pred', ws.pred, '--gt', ws.gt, '--out', ws.path('out', 'r.json')],
      signal,
      // Late enough that a loaded machine has started node and installed the handlers.
      { afterMs: 2500 },
    );
    const exitedAtMs = Date.now() - started;
    expect(r.signalledAtMs).not.toBeNull();
    expect(r.status).toBe(code);
    expect(r.stderr).toBe(`segloss: interrupted by ${signal}\n`);
    expect(r.stdout).toBe('');
    expect(readdirSync(ws.path('out'))).toEqual([]);
    expect(exitedAtMs - r.signalledAtMs!).toBeLessThan(1000);
  }, 60_000);
});
