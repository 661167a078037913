// `eval --shard i/n` + `segloss merge`: the merged shard reports equal the single run's
// report (timing fields and config.shard aside), through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { reportConfig, runConfigFromReport, DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/pipeline/config.js';
import { shardCases } from '../../src/pipeline/run.js';
import type { CasePair } from '../../src/pipeline/discover.js';

const GOLDEN = join(ROOT, 'fixtures', 'golden');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'segloss-merge-'));
  writeLabelsDiffer(join(tmp, 'labels_differ'));
  writeProbsDiffer(join(tmp, 'probs_differ'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- tiny .npy fixtures -------------------------------------------------------------

function npy(descr: '|u1' | '<f4', shape: number[], data: Uint8Array | Float32Array): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const H = 12;
const W = 10;

/** A label map with rectangles [label, y0, y1, x0, x1) painted in order. */
function labelMap(rects: [number, number, number, number, number][]): Uint8Array {
  const a = new Uint8Array(H * W);
  for (const [l, y0, y1, x0, x1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[y * W + x] = l;
  return a;
}

function put(dir: string, name: string, bytes: Buffer | string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), bytes);
}

/** Label 2 is in one ground truth only; label 3 in no ground truth; a missing and a broken case. */
function writeLabelsDiffer(dir: string): void {
  const gt = (id: string, a: Uint8Array) => put(join(dir, 'gt'), `${id}.npy`, npy('|u1', [H, W], a));
  const pred = (id: string, a: Uint8Array) => put(join(dir, 'pred'), `${id}.npy`, npy('|u1', [H, W], a));
  gt('a', labelMap([[1, 1, 5, 1, 5], [2, 7, 11, 5, 9]]));
  pred('a', labelMap([[1, 2, 6, 1, 5], [2, 7, 10, 4, 9]]));
  gt('b', labelMap([[1, 3, 8, 2, 7]]));
  pred('b', labelMap([[1, 3, 9, 2, 6]]));
  gt('c', labelMap([[1, 0, 4, 0, 4]]));
  pred('c', labelMap([[1, 0, 4, 1, 4], [3, 9, 11, 8, 10]])); // label 3: in no ground truth
  gt('d', labelMap([[1, 5, 9, 5, 9]]));
  pred('d', labelMap([[1, 5, 9, 4, 9], [2, 0, 2, 0, 2]])); // label 2: only case a's ground truth has it
  gt('e', labelMap([[1, 2, 4, 2, 4]])); // no prediction
  gt('f', labelMap([]));
  pred('f', labelMap([]));
  put(join(dir, 'gt'), 'g.npy', 'not an npy file');
  pred('g', labelMap([[1, 0, 2, 0, 2]]));
}

/** Softmax predictions with 3 channels in one case and 2 in the others. */
function writeProbsDiffer(dir: string): void {
  const softmax = (lab: Uint8Array, C: number, seed: number) => {
    const out = new Float32Array(C * H * W);
    let s = seed;
    for (let i = 0; i < H * W; i++) {
      const z: number[] = [];
      for (let c = 0; c < C; c++) {
        s = (s * 1103515245 + 12345) >>> 0;
        z.push((c === lab[i] ? 2.5 : 0) + (s / 2 ** 32) * 2);
      }
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < C; c++) out[c * H * W + i] = e[c] / sum;
    }
    return out;
  };
  const cases: [string, Uint8Array, number][] = [
    ['p1', labelMap([[1, 1, 6, 1, 6], [2, 7, 11, 3, 9]]), 3],
    ['p2', labelMap([[1, 2, 9, 2, 8]]), 2],
    ['p3', labelMap([[1, 0, 5, 4, 10]]), 2],
  ];
  cases.forEach(([id, lab, C], k) => {
    put(join(dir, 'gt'), `${id}.npy`, npy('|u1', [H, W], lab));
    put(join(dir, 'pred'), `${id}.npy`, npy('<f4', [C, H, W], softmax(lab, C, 7 + k)));
  });
}

// ---- helpers --------------------------------------------------------------------------

/** The report without what may differ between a single run and a merge: timing and config.shard. */
function comparable(report: any): any {
  const strip = (v: any): any => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: any = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'seconds') out[k] = strip(x);
      return out;
    }
    return v;
  };
  const r = strip(report);
  delete r.config.shard;
  return r;
}

function evalJson(dir: string, flags: string[], extra: string[] = []): { json: any; stdout: string; status: number | null } {
  // One worker: these cases are tiny, and thread start-up would dominate the test's time.
  const r = runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), ...flags, ...extra, '--workers', '1', '--format', 'json', '--quiet']);
  if (r.status !== 0 && r.status !== 1) throw new Error(`eval exited ${r.status}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout), stdout: r.stdout, status: r.status };
}

/** Runs the n shards into files and merges them; returns the merged report and the shard reports. */
function shardAndMerge(dir: string, flags: string[], n: number, tag: string) {
  const files: string[] = [];
  const shards: any[] = [];
  for (let i = 1; i <= n; i++) {
    const s = evalJson(dir, flags, ['--shard', `${i}/${n}`]);
    const f = join(tmp, `${tag}-shard-${i}-of-${n}.json`);
    writeFileSync(f, s.stdout);
    files.push(f);
    shards.push(s.json);
  }
  const out = join(tmp, `${tag}-merged-${n}.json`);
  const m = runCli(['merge', ...files.reverse(), '--out', out, '--format', 'json']);
  return { m, merged: m.stdout ? JSON.parse(m.stdout) : null, fromFile: JSON.parse(readFileSync(out, 'utf8')), shards };
}

// ---- merged shards equal the single run -------------------------------------------------

const SUITES: { name: string; dir: () => string; flags: string[]; shards: number[] }[] = [
  { name: 'nifti_multiclass --metrics all', dir: () => join(GOLDEN, 'nifti_multiclass'), flags: ['--metrics', 'all'], shards: [2, 3] },
  { name: 'png_binary --labels 1 --metrics all', dir: () => join(GOLDEN, 'png_binary'), flags: ['--labels', '1', '--metrics', 'all'], shards: [3] },
  { name: 'npz_softmax --metrics all', dir: () => join(GOLDEN, 'npz_softmax'), flags: ['--metrics', 'all'], shards: [2] },
  { name: 'regions', dir: () => join(GOLDEN, 'regions'), flags: ['--regions', 'WT=1,2,3;TC=2,3;ET=3', '--metrics', 'all'], shards: [2] },
  { name: 'edge_empty --empty nan', dir: () => join(GOLDEN, 'edge_empty'), flags: ['--labels', '1', '--metrics', 'all', '--losses', 'all', '--empty', 'nan'], shards: [3] },
  { name: 'bad_input', dir: () => join(GOLDEN, 'bad_input'), flags: [], shards: [2] },
  { name: 'ignore_index', dir: () => join(GOLDEN, 'ignore_index'), flags: ['--ignore-index', '255'], shards: [2] },
  { name: 'labels differ between shards, --metrics all', dir: () => join(tmp, 'labels_differ'), flags: ['--metrics', 'all'], shards: [2, 3] },
  { name: 'labels differ between shards, default metrics', dir: () => join(tmp, 'labels_differ'), flags: [], shards: [2, 3] },
  { name: 'channel counts differ between shards', dir: () => join(tmp, 'probs_differ'), flags: ['--metrics', 'all', '--losses', 'all'], shards: [2, 3] },
];

describe.each(SUITES)('merge equals a single run: $name', ({ name, dir, flags, shards: counts }) => {
  const tag = name.replace(/[^a-z0-9]+/gi, '_');
  let single: any;
  beforeAll(() => {
    single = evalJson(dir(), flags).json;
  });

  for (const n of counts) {
    it(`${n} shards`, () => {
      const { m, merged, fromFile, shards } = shardAndMerge(dir(), flags, n, `${tag}-${n}`);
      // Errors and warnings (the same as the single run's: the reports compare equal below) only.
      expect(m.stderr.split('\n').filter((l) => !l.startsWith('error: ') && !l.startsWith('warning')).join('')).toBe('');
      expect(m.status).toBe(single.passed ? 0 : 1);
      // The shards really are a partition of the run's cases.
      expect(shards.flatMap((s) => s.cases.map((c: any) => c.id)).sort()).toEqual(single.cases.map((c: any) => c.id));
      expect(comparable(merged)).toEqual(comparable(single));
      expect(comparable(fromFile)).toEqual(comparable(single));
      expect(merged.config.shard).toBeNull();
    });
  }
});

it('the labels_differ fixture does exercise a shard-dependent label set', () => {
  const single = evalJson(join(tmp, 'labels_differ'), ['--metrics', 'all']).json;
  expect(single.config.labels_used).toEqual(['1', '2', '3']);
  const shardLabels = [1, 2, 3].map((i) => evalJson(join(tmp, 'labels_differ'), ['--metrics', 'all'], ['--shard', `${i}/3`]).json.config.labels_used);
  expect(shardLabels.some((l: string[]) => l.length < 3)).toBe(true);
  // Case d's label 2 is stray in a shard without case a, but not in the run.
  const d = single.cases.find((c: any) => c.id === 'd');
  expect(d.warnings.join(' ')).not.toMatch(/found in no ground truth/);
  const c = single.cases.find((x: any) => x.id === 'c');
  expect(c.warnings.join(' ')).toMatch(/label 3 found in no ground truth/);
});

// ---- sharding is deterministic ---------------------------------------------------------

describe('--shard i/n', () => {
  it('takes every n-th case in id order (shardCases)', () => {
    const cases: CasePair[] = ['e', 'a', 'd', 'b', 'c', 'f', 'g'].sort().map((id) => ({ id, gt: `${id}.png`, pred: `${id}.png` }));
    expect(shardCases(cases, { index: 0, count: 3 }).map((c) => c.id)).toEqual(['a', 'd', 'g']);
    expect(shardCases(cases, { index: 1, count: 3 }).map((c) => c.id)).toEqual(['b', 'e']);
    expect(shardCases(cases, { index: 2, count: 3 }).map((c) => c.id)).toEqual(['c', 'f']);
    expect(shardCases(cases, null)).toEqual(cases);
  });

  it('gives the same cases on every run, every n-th in id order', () => {
    const dir = join(tmp, 'labels_differ');
    const ids = evalJson(dir, []).json.cases.map((c: any) => c.id);
    for (let i = 1; i <= 3; i++) {
      const a = evalJson(dir, [], ['--shard', `${i}/3`]).json.cases.map((c: any) => c.id);
      const b = evalJson(dir, [], ['--shard', `${i}/3`]).json.cases.map((c: any) => c.id);
      expect(a).toEqual(b);
      expect(a).toEqual(ids.filter((_: string, k: number) => k % 3 === i - 1));
    }
  });
});

// ---- the inverse of reportConfig ---------------------------------------------------------

describe('runConfigFromReport', () => {
  const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));
  const configs: RunConfig[] = [
    { ...DEFAULT_RUN_CONFIG, pred: '', gt: '', workers: DEFAULT_RUN_CONFIG.workers },
    {
      ...DEFAULT_RUN_CONFIG,
      pred: '',
      gt: '',
      input: 'logits',
      threshold: 0.3,
      labels: [1, 3],
      includeBackground: true,
      ignoreIndex: 255,
      empty: 'nan',
      missing: 'skip',
      losses: ['dice', 'focal_global'],
      metrics: ['dice', 'hd95'],
      params: { smooth: 0.5, focalAlpha: 0.25, focalGamma: 1.5, focalMode: 'balanced', tverskyAlpha: 0.3, tverskyBeta: 0.7, focalTverskyGamma: 0.75, comboAlpha: 0.6, comboBeta: 0.3 },
      hd95: 'max',
      nsdTolerance: 2,
      spacing: [0.8, 0.8, 2.5],
      npyAxes: 'same',
      maxVoxels: 1000,
      shard: { index: 1, count: 4 },
    },
    { ...DEFAULT_RUN_CONFIG, pred: '', gt: '', regions: [{ key: 'WT', labels: [1, 2, 3] }, { key: 'ET', labels: [3] }] },
    {
      ...DEFAULT_RUN_CONFIG,
      pred: '',
      gt: '',
      convention: 'monai',
      switches: {
        emptyIou: 'nan',
        emptyGt: 'nan',
        surfaceEmptyOne: { hd: 'inf', hd95: 'null', assd: 'inf', nsd: '0' },
        surfaceEmptyPair: { hd: '0', hd95: '0', assd: '0', nsd: '1' },
        assd: 'mean',
        nsd: 'mean',
        surface: 'surfels',
        focalMulticlass: 'categorical',
        absentClassLoss: 'zero',
        lovaszClasses: 'all',
        nsdToleranceRule: 'min-spacing',
        backgroundIfMultichannel: true,
      },
    },
  ];
  it.each(configs.map((c, k) => [k, c] as const))('round-trips config %i through the JSON config block', (_k, c) => {
    const block = asJson(reportConfig(c, ['1']));
    const back = runConfigFromReport(block);
    expect(back).toEqual({ ...c, workers: DEFAULT_RUN_CONFIG.workers });
    expect(asJson(reportConfig(back, ['1']))).toEqual(block);
  });

  it('names the key it cannot read', () => {
    const block = asJson(reportConfig({ ...DEFAULT_RUN_CONFIG, pred: '', gt: '' }, []));
    expect(() => runConfigFromReport({ ...block, hd95: 'median' })).toThrow(/config\.hd95/);
    const { smooth: _drop, ...noSmooth } = block;
    expect(() => runConfigFromReport(noSmooth)).toThrow(/config\.smooth: missing/);
    expect(() => runConfigFromReport({ ...block, surface_empty_one: 'hd=2' })).toThrow(/config\.surface_empty_one/);
  });

  it('reads a report written before the convention switches as segloss defaults', () => {
    const block = asJson(reportConfig({ ...DEFAULT_RUN_CONFIG, pred: '', gt: '' }, []));
    const old = Object.fromEntries(Object.entries(block).filter(([k]) => !['convention', 'empty_iou', 'empty_gt', 'surface_empty_one', 'surface_empty_pair', 'assd', 'nsd', 'surface', 'focal_multiclass', 'absent_class_loss', 'lovasz_classes', 'nsd_tolerance_rule', 'include_background_multichannel'].includes(k)));
    const back = runConfigFromReport(old);
    expect(back.convention).toBeNull();
    expect(back.switches).toEqual(DEFAULT_RUN_CONFIG.switches);
  });
});

// ---- what merge refuses ------------------------------------------------------------------

describe('segloss merge refuses shards that do not belong together (exit 2, one line)', () => {
  const dir = () => join(tmp, 'labels_differ');
  const shardFile = (i: number, n: number, flags: string[] = []) => {
    const f = join(tmp, `refuse-${i}-${n}-${flags.join('_').replace(/[^a-z0-9]+/gi, '_')}.json`);
    writeFileSync(f, evalJson(dir(), flags, ['--shard', `${i}/${n}`]).stdout);
    return f;
  };
  const oneLine = (r: { status: number | null; stderr: string; stdout: string }) => {
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    return r.stderr;
  };

  it('a config that differs, naming the key', () => {
    const err = oneLine(runCli(['merge', shardFile(1, 2), shardFile(2, 2, ['--focal-gamma', '3'])]));
    expect(err).toMatch(/config\.focal_gamma differs/);
  });
  it('a case in two reports', () => {
    const f = shardFile(1, 2);
    const copy = join(tmp, 'copy-of-shard.json');
    const r = JSON.parse(readFileSync(f, 'utf8'));
    r.config.shard = '2/2'; // pretend to be the other shard
    writeFileSync(copy, JSON.stringify(r));
    expect(oneLine(runCli(['merge', f, copy]))).toMatch(/case a is in .* and in /);
  });
  it('a missing shard, unless --allow-partial', () => {
    const f = shardFile(1, 3);
    const g = shardFile(3, 3);
    expect(oneLine(runCli(['merge', f, g]))).toMatch(/shard 2\/3 missing/);
    const r = runCli(['merge', f, g, '--allow-partial', '--format', 'json']);
    expect(r.status === 0 || r.status === 1).toBe(true);
    expect(JSON.parse(r.stdout).cases.map((c: any) => c.id)).toEqual(['a', 'c', 'd', 'f', 'g']);
  });
  it('a shard given twice', () => {
    const f = shardFile(1, 2);
    expect(oneLine(runCli(['merge', f, f]))).toMatch(/shard 1\/2 given twice/);
  });
  it('an unreadable, non-JSON or non-report file', () => {
    expect(oneLine(runCli(['merge', join(tmp, 'nope.json')]))).toMatch(/nope\.json: cannot read \(no such file\)/);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"schema": "segloss-report/1", "cases": [');
    expect(oneLine(runCli(['merge', bad]))).toMatch(/bad\.json: not JSON/);
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ foo: 1 }));
    expect(oneLine(runCli(['merge', other]))).toMatch(/other\.json: not a segloss-report\/1 JSON report/);
    expect(oneLine(runCli(['merge', tmp]))).toMatch(/cannot read \(a directory\)/);
    const old = join(tmp, 'old.json');
    const r = JSON.parse(readFileSync(shardFile(1, 1), 'utf8'));
    delete r.cases[0].voxels;
    writeFileSync(old, JSON.stringify(r));
    expect(oneLine(runCli(['merge', old]))).toMatch(/case a has no voxels\/labels_found/);
  });
});

describe('segloss merge output', () => {
  it('writes table, csv and markdown, and applies gates to the merged summary', () => {
    const dir = join(GOLDEN, 'nifti_multiclass');
    const files = [1, 2].map((i) => {
      const f = join(tmp, `out-${i}.json`);
      writeFileSync(f, evalJson(dir, [], ['--shard', `${i}/2`]).stdout);
      return f;
    });
    const single = runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), '--workers', '1', '--format', 'csv', '--quiet']);
    const csv = runCli(['merge', ...files, '--format', 'csv']);
    expect(csv.status).toBe(0);
    expect(csv.stdout).toBe(single.stdout);
    for (const fmt of ['table', 'markdown']) {
      const r = runCli(['merge', ...files, '--format', fmt]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/mc00/);
    }
    const gated = runCli(['merge', ...files, '--gate', 'metrics.dice.mean>=0.999', '--format', 'json']);
    expect(gated.status).toBe(1);
    expect(gated.stderr).toMatch(/metrics\.dice\.mean/);
    expect(JSON.parse(gated.stdout).passed).toBe(false);
  });
});
