// SIGINT / SIGTERM: exit 130 / 143, no half-written report, no temp file left behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortPendingWrites, atomicWrite } from '../../src/report/atomic.js';
import { runCliAndSignal, slowFixture, workspace, type Workspace } from '../helpers/cliFixtures.js';

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
  // 60 cases of 96³: many seconds on one worker, so the signal lands mid-run.
  slowFixture(ws, 60);
});
afterAll(() => ws.cleanup());

describe('the built CLI, interrupted during the run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i, one line on stderr, the old --out files untouched, no temp file', async (signal, code) => {
    const out = mkdtempSync(join(tmpdir(), 'segloss-int-'));
    try {
      writeFileSync(join(out, 'report.json'), 'previous report');
      const r = await runCliAndSignal(
        ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--out', join(out, 'report.json'), '--out', join(out, 'report.csv')],
        signal,
        { afterMs: 1500 },
      );
      expect(r.signalledAtMs).not.toBeNull();
      expect(r.signal).toBeNull(); // handled, not killed
      expect(r.status).toBe(code);
      expect(r.stderr).toBe(`segloss: interrupted by ${signal}\n`);
      expect(r.stdout).toBe('');
      expect(readdirSync(out)).toEqual(['report.json']);
      expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('previous report');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('with several workers too', async () => {
    const out = mkdtempSync(join(tmpdir(), 'segloss-int-'));
    try {
      const r = await runCliAndSignal(['eval', '--workers', '2', '--pred', ws.pred, '--gt', ws.gt, '--out', join(out, 'r.md')], 'SIGTERM', { afterMs: 1500 });
      expect(r.status).toBe(143);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

// Last in this file: abortPendingWrites is one-way (the process is about to exit), so no
// atomicWrite in this module instance succeeds after it.
describe('abortPendingWrites (what the signal handler calls)', () => {
  it('a write in flight gives up before its rename: the old file stays whole, no temp file remains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segloss-abort-'));
    try {
      const target = join(dir, 'report.json');
      writeFileSync(target, 'old');
      const big = 'x'.repeat(32 * 1024 * 1024);
      const write = atomicWrite(target, big);
      const settled = write.then(
        () => 'written',
        (e: Error) => e.name,
      );
      const inFlight = await abortPendingWrites();
      expect(inFlight).toHaveLength(1);
      expect(inFlight[0]).toMatch(/\.report\.json\.\d+\.[0-9a-f]+\.tmp$/);
      expect(await settled).toBe('WriteAbortedError');
      expect(readFileSync(target, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['report.json']);
      // And nothing new starts.
      await expect(atomicWrite(join(dir, 'later.json'), '{}')).rejects.toThrow(/write aborted/);
      expect(readdirSync(dir)).toEqual(['report.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
