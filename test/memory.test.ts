// Peak memory on hostile input: the built CLI, in a child process, evaluates files that
// claim or inflate to gigabytes (test/helpers/hostile.ts bombCorpus: a gzip bomb and a
// zip bomb inflating to 2 GiB each, a NIfTI header claiming 100000³ voxels, a PNG IHDR of
// 100000×100000, headers claiming 1.2–4 GB backed by a few bytes). Each must be refused
// before it allocates, so the peak RSS of the whole run stays near that of a tiny run.
//
// The bound, 400 MB: Node with sharp and two worker threads peaks at about 120–130 MB on
// these files (the honest inputs are a few hundred bytes); any one of the bombs or claims
// allowed to allocate what it asks for would add at least 1.2 GB. So 400 MB leaves room
// for a heavier Node or libvips build while failing on any unbounded allocation.
//
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when present, else from a preload
// that writes process.resourceUsage().maxRSS when the CLI exits. Needs `npx tsc` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers/cli.js';
import { bombCorpus, writeCorpus } from './helpers/hostile.js';

const BOUND_KB = 400 * 1024;
const GNU_TIME = '/usr/bin/time';

interface Measured {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  peakKb: number;
  how: string;
}

function hasGnuTime(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/.test(r.stderr.trim().split('\n').pop() ?? '');
}

/** GNU time writes "Command exited with non-zero status 1" before the figure. */
const lastNumber = (text: string): number => Number(text.trim().split('\n').pop());

/** Run the CLI and measure the peak resident set size of its process (all threads). */
function runMeasured(args: string[], scratchDir: string): Measured {
  const env = { ...process.env, NO_COLOR: '1' };
  const opts = { cwd: ROOT, env, encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 };
  if (hasGnuTime()) {
    const out = join(scratchDir, 'time.txt');
    const r = spawnSync(GNU_TIME, ['-o', out, '-f', '%M', process.execPath, BIN, ...args], opts);
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, peakKb: lastNumber(readFileSync(out, 'utf8')), how: 'GNU time %M' };
  }
  const out = join(scratchDir, 'maxrss.txt');
  const preload = join(scratchDir, 'maxrss.mjs');
  writeFileSync(
    preload,
    `import { isMainThread } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
if (isMainThread) process.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));
`,
  );
  const r = spawnSync(process.execPath, ['--import', preload, BIN, ...args], opts);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, peakKb: Number(readFileSync(out, 'utf8')), how: 'resourceUsage().maxRSS' };
}

describe('peak memory on decompression bombs and lying headers', () => {
  const corpus = bombCorpus();
  let root: string;
  let dirs: { gt: string; pred: string };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'segloss-memory-'));
    dirs = writeCorpus(corpus, root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const workers of ['1', '2']) {
    it(`--workers ${workers}: every bomb refused, peak RSS under ${BOUND_KB / 1024} MB`, () => {
      const r = runMeasured(['eval', '--pred', dirs.pred, '--gt', dirs.gt, '--format', 'json', '--workers', workers], root);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout) as { cases: Array<{ id: string; status: string; error: string | null }> };
      expect(report.cases.map((c) => c.id)).toEqual(Object.keys(corpus.expect).sort());
      for (const c of report.cases) {
        const e = corpus.expect[c.id]!;
        expect(c.status, c.id).toBe(e.status);
        if (e.reason) expect(c.error, c.id).toMatch(e.reason);
      }
      expect(r.peakKb, `peak RSS ${Math.round(r.peakKb / 1024)} MB (${r.how})`).toBeGreaterThan(10 * 1024); // measured something real
      expect(r.peakKb, `peak RSS ${Math.round(r.peakKb / 1024)} MB (${r.how})`).toBeLessThan(BOUND_KB);
    });
  }
});
