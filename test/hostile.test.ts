// Bad input end to end (cli.md "Bad input: every case is isolated"): the built CLI over a
// folder holding one case per kind of damage must exit 1, list every ground-truth case
// exactly once in id order, evaluate the good cases, report each bad one as an error
// naming the file and the reason, and print no stack trace.
// - fixtures/hostile: the committed corpus (about 30 KB), from test/helpers/hostile.ts;
//   regenerate with `SEGLOSS_WRITE_HOSTILE=1 npx vitest run test/hostile.test.ts`.
// - files that claim or inflate to gigabytes, and file-system oddities (symlink loops,
//   FIFOs, unreadable files) that git cannot hold, are made at test time.
// Needs `npx tsc -p tsconfig.json` first.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, type CliResult } from './helpers/cli.js';
import { bombCorpus, goodNifti, goodPng, gz, hostileCorpus, writeCorpus, type Corpus } from './helpers/hostile.js';

const FIXTURES = join(ROOT, 'fixtures', 'hostile');
const STACK = /^\s+at /m;

interface ReportCase {
  id: string;
  status: 'ok' | 'error' | 'missing';
  error: string | null;
  pred: string | null;
  gt: string;
  [key: string]: unknown;
}
interface Report {
  cases: ReportCase[];
  summary: { cases: number; ok: number; missing: number; errors: number };
  passed: boolean;
}

/** The file of `side` whose case id is `id`. */
function fileOf(corpus: Corpus, side: 'gt' | 'pred', id: string): string {
  const name = Object.keys(corpus[side]).find((n) => n.startsWith(`${id}.`) && !n.endsWith('~') && !n.endsWith('.bak'));
  if (!name) throw new Error(`no ${side} file for ${id}`);
  return name;
}

/** Every expectation of a corpus against one report. */
function checkCases(report: Report, corpus: Corpus, dirs: { gt: string; pred: string }, ids = Object.keys(corpus.expect)): void {
  expect(report.cases.map((c) => c.id)).toEqual([...ids].sort());
  for (const c of report.cases) {
    const e = corpus.expect[c.id]!;
    expect(c.status, `${c.id}: ${c.error}`).toBe(e.status);
    if (e.status === 'ok') {
      expect(c.error).toBeNull();
      continue;
    }
    expect(c.error, c.id).toBeTypeOf('string');
    expect(c.error, c.id).not.toMatch(/[\r\n]/);
    if (e.reason) expect(c.error, c.id).toMatch(e.reason);
    if (e.names) expect(c.error, c.id).toContain(join(dirs[e.names], fileOf(corpus, e.names, c.id)));
  }
}

function parse(r: CliResult): Report {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${r.status}); stderr: ${r.stderr}`);
  }
}

describe('the committed hostile corpus (fixtures/hostile)', () => {
  const corpus = hostileCorpus();
  const dirs = { gt: join(FIXTURES, 'gt'), pred: join(FIXTURES, 'pred') };
  let run: CliResult;
  let report: Report;
  beforeAll(() => {
    if (process.env.SEGLOSS_WRITE_HOSTILE) {
      rmSync(FIXTURES, { recursive: true, force: true });
      writeCorpus(corpus, FIXTURES);
      writeFileSync(join(FIXTURES, 'README.md'), README);
    }
    run = runCli(['eval', '--pred', dirs.pred, '--gt', dirs.gt, '--format', 'json', '--workers', '2']);
    report = parse(run);
  });

  it('holds exactly the files its generator makes (test/helpers/hostile.ts)', () => {
    for (const side of ['gt', 'pred'] as const) {
      expect(readdirSync(dirs[side]).sort()).toEqual(Object.keys(corpus[side]).sort());
    }
  });

  it('exit 1, no stack trace, every ground-truth case once and in id order', () => {
    expect(run.status).toBe(1);
    expect(run.stderr).not.toMatch(STACK);
    expect(report.passed).toBe(false);
    const expected = Object.values(corpus.expect);
    expect(report.summary).toMatchObject({
      cases: expected.length,
      ok: expected.filter((e) => e.status === 'ok').length,
      missing: expected.filter((e) => e.status === 'missing').length,
      errors: expected.filter((e) => e.status === 'error').length,
    });
  });

  it('good cases are evaluated; each bad case is an error naming its file and the reason', () => {
    checkCases(report, corpus, dirs);
    const good = report.cases.filter((c) => c.status === 'ok');
    expect(good.map((c) => c.id)).toEqual(['h01_good_png', 'h02_good_nifti', 'h03 ünï cödé']);
    for (const c of good) expect((c.metrics as { dice: number }).dice).toBeGreaterThan(0.5);
  });

  it('stderr: one line per failed case, the unmatched prediction, the ignored-file count', () => {
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    const errors = report.cases.filter((c) => c.status === 'error');
    expect(lines.filter((l) => l.startsWith('error: '))).toEqual(errors.map((c) => `error: ${c.id}: ${c.error}`));
    expect(run.stderr).toContain(`warning: 1 prediction has no ground truth: ${join(dirs.pred, 'zz_orphan.png')}`);
    expect(run.stderr).toContain(`note: ignored ${corpus.ignored} non-data files (hidden, backups, other extensions)`);
    // Nothing else: no library noise, no stack frames.
    expect(lines.every((l) => /^(error|warning|note): /.test(l))).toBe(true);
  });

  it('the same report with one worker (scheduling never changes it); --missing error turns the missing case into an error', () => {
    const again = runCli(['eval', '--pred', dirs.pred, '--gt', dirs.gt, '--format', 'json', '--workers', '1', '--missing', 'error']);
    expect(again.status).toBe(1);
    const other = parse(again);
    const strip = (cs: ReportCase[]) => cs.map(({ seconds: _s, ...rest }) => rest);
    const missing = 'h36_missing';
    expect(strip(other.cases.filter((c) => c.id !== missing))).toEqual(strip(report.cases.filter((c) => c.id !== missing)));
    const m = other.cases.find((c) => c.id === missing)!;
    expect(m.status).toBe('error');
    expect(m.error).toContain(join(dirs.gt, 'h36_missing.png'));
  });

  it('--debug shows the stack trace of a bad case (and only then)', () => {
    const id = 'h28_png_bad_idat';
    const args = ['eval', '--pred', join(dirs.pred, `${id}.png`), '--gt', join(dirs.gt, `${id}.png`), '--format', 'json'];
    const plain = runCli(args);
    const debug = runCli([...args, '--debug']);
    expect(plain.status).toBe(1);
    expect(debug.status).toBe(1);
    expect(plain.stderr).not.toMatch(STACK);
    expect(debug.stderr).toMatch(STACK);
    expect(debug.stderr).toMatch(/caused by: FormatError: corrupt or truncated image data/);
  });
});

describe('big claims, bombs and file-system oddities (made at test time)', () => {
  const corpus = bombCorpus();
  const isRoot = process.getuid?.() === 0;
  let root: string;
  let dirs: { gt: string; pred: string };
  let run: CliResult;
  let report: Report;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'segloss-hostile-'));
    dirs = writeCorpus(corpus, root);
    const png = goodPng();
    const nii = gz(goodNifti());
    const add = (id: string, gtName: string, gtBytes: Buffer | null, e: Corpus['expect'][string]) => {
      if (gtBytes) writeFileSync(join(dirs.gt, gtName), gtBytes);
      corpus.expect[id] = e;
    };
    add('s01_symlink_loop', 's01_symlink_loop.png', png, { status: 'error', names: 'pred', reason: /too many levels of symbolic links/ });
    symlinkSync('s01_symlink_loop.png', join(dirs.pred, 's01_symlink_loop.png'));
    add('s02_dangling_link', 's02_dangling_link.png', png, { status: 'error', names: 'pred', reason: /file not found/ });
    symlinkSync('no_such_file.png', join(dirs.pred, 's02_dangling_link.png'));
    add('s03_gt_symlink_loop', 's03_gt_symlink_loop.nii.gz', null, { status: 'error', names: 'gt', reason: /too many levels of symbolic links/ });
    symlinkSync('s03_gt_symlink_loop.nii.gz', join(dirs.gt, 's03_gt_symlink_loop.nii.gz'));
    writeFileSync(join(dirs.pred, 's03_gt_symlink_loop.nii.gz'), nii);
    add('s04_gt_is_folder', 's04_gt_is_folder.png', null, { status: 'error', names: 'gt', reason: /is a directory, not a file/ });
    mkdirSync(join(dirs.gt, 's04_gt_is_folder.png'));
    writeFileSync(join(dirs.pred, 's04_gt_is_folder.png'), png);
    // A FIFO would block open() until a writer comes: it must be refused, not waited on.
    if (spawnSync('mkfifo', [join(dirs.pred, 's05_fifo.png')]).status === 0) {
      add('s05_fifo', 's05_fifo.png', png, { status: 'error', names: 'pred', reason: /not a regular file/ });
    }
    // Unreadable: root reads anything, so there it is simply a good case.
    add('s06_unreadable', 's06_unreadable.png', png, isRoot ? { status: 'ok' } : { status: 'error', names: 'pred', reason: /permission denied/ });
    writeFileSync(join(dirs.pred, 's06_unreadable.png'), goodPng());
    chmodSync(join(dirs.pred, 's06_unreadable.png'), 0o000);
    for (const [id, e] of Object.entries(corpus.expect)) {
      if (e.names) {
        const side = e.names;
        if (!Object.keys(corpus[side]).some((n) => n.startsWith(`${id}.`))) corpus[side][readdirSync(dirs[side]).find((n) => n.startsWith(`${id}.`))!] = null;
      }
    }
    run = runCli(['eval', '--pred', dirs.pred, '--gt', dirs.gt, '--format', 'json', '--workers', '2'], { timeout: 120_000 });
    report = parse(run);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exit 1, no stack trace, every case once and in id order', () => {
    expect(run.status).toBe(1);
    expect(run.stderr).not.toMatch(STACK);
    expect(report.summary.cases).toBe(Object.keys(corpus.expect).length);
  });

  it('each claim is refused with its reason, naming the file; the good case is evaluated', () => {
    checkCases(report, corpus, dirs);
  });
});

describe('folders that leave nothing to evaluate: exit 2, one line', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'segloss-folders-'));
    for (const d of ['empty', 'junk', 'gt', 'pred_other']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'junk', '.hidden.png'), 'x');
    writeFileSync(join(root, 'junk', 'notes.txt'), 'x');
    writeFileSync(join(root, 'gt', 'a.png'), goodPng());
    writeFileSync(join(root, 'pred_other', 'b.png'), goodPng());
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], RegExp]> = [
    ['absent ground-truth folder', () => ['--gt', join(root, 'nope'), '--pred', join(root, 'gt')], /ground truth .*nope does not exist/],
    ['absent prediction folder', () => ['--gt', join(root, 'gt'), '--pred', join(root, 'nope')], /prediction .*nope does not exist/],
    ['empty ground-truth folder', () => ['--gt', join(root, 'empty'), '--pred', join(root, 'gt')], /ground-truth folder .*empty holds no data file \(\.png, \.nii, \.nii\.gz, \.npy, \.npz, \.mha, \.mhd, \.nrrd, \.nhdr, \.tif, \.tiff\)/],
    ['ground-truth folder of ignored files only', () => ['--gt', join(root, 'junk'), '--pred', join(root, 'gt')], /holds no data file/],
    ['no prediction matches', () => ['--gt', join(root, 'gt'), '--pred', join(root, 'pred_other')], /no prediction in .*pred_other matches a ground-truth case/],
    ['empty prediction folder', () => ['--gt', join(root, 'gt'), '--pred', join(root, 'empty')], /no prediction in .*empty matches/],
  ];
  for (const [name, args, reason] of cases) {
    it(name, () => {
      const r = runCli(['eval', ...args(), '--format', 'json']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^segloss: /);
      expect(lines[0]).toMatch(reason);
    });
  }
});

const README = `# Hostile inputs

One case per kind of damage (see test/helpers/hostile.ts for the list and what the report
must say about each), a few good cases, a prediction without ground truth and files the
folder scan must ignore. \`test/hostile.test.ts\` runs the CLI over this folder.

Generated, not hand-edited:

    SEGLOSS_WRITE_HOSTILE=1 npx vitest run test/hostile.test.ts

Files claiming gigabytes (decompression bombs, 100000³ headers) and file-system oddities
(symlink loops, FIFOs, unreadable files) are made at test time instead.
`;
