// --convention NAME and the switches of spec/conventions.md, through the built CLI, on
// small hand-made masks whose values follow from each tool's own definition (worked out
// in the comments; the DeepMind values also agree with its compute_surface_distances).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { npy, row, workspace, type Workspace } from '../helpers/cliFixtures.js';

const SQRT2 = Math.SQRT2;

/**
 * Surfaces (2D, one row, unit spacing, no --spacing):
 *   row:       gt  [1,1,1,1,0,0,0,0], pred [1,1,1,1,1,1,0,0]
 *   predempty: gt 3×3 block in 5×5, pred empty
 *   gtempty:   gt empty, pred 3×3 block
 * and label 2, absent from every mask, evaluated through --labels 1,2 (an empty pair).
 *
 * Voxel path on `row` (every pixel of a one-row mask is boundary):
 *   d(P→G) = [0,0,0,0,1,2] (pixels 4 and 5 are 1 and 2 from gt pixel 3), d(G→P) = [0,0,0,0]
 *   hd = 2
 *   hd95 union (MedPy, panoptica): numpy percentile of the 10 pooled values, index 9·0.95 = 8.55
 *     between 1 and 2 → 1.55
 *   hd95 max (MONAI, MetricsReloaded): d(P→G) index 5·0.95 = 4.75 between 1 and 2 → 1.75; d(G→P) 0
 *   assd pooled: 3/10; assd mean of directed means: (3/6 + 0/4)/2 = 1/4
 *   nsd pooled at τ = 1: 9/10; mean of directed fractions at τ: (n_P≤τ/6 + 4/4)/2
 */
const ROW_VOXELS = { hd: 2, hd95Union: 1.55, hd95Max: 1.75, assdPooled: 0.3, assdMean: 0.25, nsdPooled1: 0.9 };

/**
 * DeepMind surfels on `row`: corners x = 0…4 (gt) and 0…6 (pred) on the two grid lines
 * y = 0 and y = 1. End corners hold one inside pixel (length ½√2), the others two along x
 * (length 1). gt: per line ½√2 + 3 + ½√2 → total 6 + 2√2; pred: per line ½√2 + 5 + ½√2 →
 * total 10 + 2√2. Distances: pred corners x = 5 → 1 (length 1), x = 6 → 2 (length ½√2),
 * the rest 0; gt corners 0.
 *   directed mean pred→gt = 2(1·1 + 2·½√2)/(10 + 2√2) = (1 + √2)/(5 + √2), gt→pred 0
 *   assd (mean of the two) = (1 + √2)/(5 + √2)/2
 *   robust HD 95, pred→gt: cumulative area after d = 0 is (8 + √2)/(10 + 2√2) = 0.734, after
 *   d = 1 (10 + √2)/(10 + 2√2) = 0.890 < 0.95 → 2; gt→pred 0 → hd95 = 2
 *   surface Dice at 1: (within pred 10 + √2, within gt 6 + 2√2) / (16 + 4√2)
 */
const ROW_SURFELS = {
  hd: 2,
  hd95: 2,
  assdMean: (1 + SQRT2) / (5 + SQRT2) / 2,
  assdPooled: (2 * (1 + SQRT2)) / (16 + 4 * SQRT2),
  nsd1: (16 + 3 * SQRT2) / (16 + 4 * SQRT2),
};

const block = (): number[] => {
  const m = new Array<number>(25).fill(0);
  for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) m[y * 5 + x] = 1;
  return m;
};
const zeros = () => new Array<number>(25).fill(0);

let ws: Workspace;
beforeAll(() => {
  ws = workspace('segloss-conv-');
  ws.addCase('row', row([1, 1, 1, 1, 0, 0, 0, 0]), row([1, 1, 1, 1, 1, 1, 0, 0]));
  ws.addCase('predempty', npy([5, 5], block()), npy([5, 5], zeros()));
  ws.addCase('gtempty', npy([5, 5], zeros()), npy([5, 5], block()));
});
afterAll(() => ws.cleanup());

type Label = Record<string, number | null>;
function evalJson(flags: string[]): { json: any; stderr: string; status: number | null } {
  const r = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--labels', '1,2', '--allow-absent-labels', '--metrics', 'all', '--format', 'json', ...flags]);
  return { json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr, status: r.status };
}
const caseOf = (json: any, id: string) => json.cases.find((c: any) => c.id === id);
const label = (json: any, id: string, k: string): Label => caseOf(json, id).labels[k];
const pick = (l: Label, keys: string[]) => Object.fromEntries(keys.map((k) => [k, l[k]]));
const SURF = ['hd', 'hd95', 'assd', 'nsd'];
const close = (got: number | null, want: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs((got as number) - want)).toBeLessThan(1e-9);
};

describe('segloss (no --convention): the defaults of losses.md', () => {
  it('pools both directions for hd95, assd and nsd, and leaves empty-mask surfaces null', () => {
    const { json } = evalJson([]);
    const r = label(json, 'row', '1');
    close(r.hd as number, ROW_VOXELS.hd);
    close(r.hd95 as number, ROW_VOXELS.hd95Union);
    close(r.assd as number, ROW_VOXELS.assdPooled);
    close(r.nsd as number, ROW_VOXELS.nsdPooled1);
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: null });
    // Empty pair: Dice and IoU 1; gt empty, prediction not: 0.
    expect(pick(label(json, 'row', '2'), ['dice', 'iou'])).toEqual({ dice: 1, iou: 1 });
    expect(pick(label(json, 'gtempty', '1'), ['dice', 'iou'])).toEqual({ dice: 0, iou: 0 });
    expect(json.config.convention).toBe('segloss');
    expect(json.config.surface).toBe('voxels');
    expect(json.config.surface_empty_one).toBe('hd=null,hd95=null,assd=null,nsd=null');
  });
});

describe('--convention monai (MONAI 1.x, ignore_empty=True, symmetric=True)', () => {
  it('max of directed HD95 percentiles, pooled ASSD and NSD', () => {
    const { json } = evalJson(['--convention', 'monai']);
    const r = label(json, 'row', '1');
    close(r.hd95 as number, ROW_VOXELS.hd95Max);
    close(r.assd as number, ROW_VOXELS.assdPooled);
    close(r.nsd as number, ROW_VOXELS.nsdPooled1);
  });

  it('one empty mask: hd and assd +inf (null in JSON, with a warning), hd95 NaN → null, nsd 0', () => {
    const { json } = evalJson(['--convention', 'monai']);
    // get_surface_distance fills an empty side with np.inf; torch.quantile of infinities is NaN.
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: 0 });
    const w = caseOf(json, 'predempty').warnings;
    expect(w).toContain('label 1: hd is +inf (prediction mask empty)');
    expect(w).toContain('label 1: assd is +inf (prediction mask empty)');
    expect(w.some((x: string) => x.startsWith('label 1: hd95') && !x.includes('+inf'))).toBe(true);
    expect(caseOf(json, 'gtempty').warnings).toContain('label 1: hd is +inf (ground truth mask empty)');
  });

  it('Dice/IoU null when the ground truth is empty (ignore_empty=True), with or without a prediction', () => {
    const { json } = evalJson(['--convention', 'monai']);
    expect(pick(label(json, 'gtempty', '1'), ['dice', 'iou'])).toEqual({ dice: null, iou: null });
    expect(pick(label(json, 'row', '2'), ['dice', 'iou', ...SURF])).toEqual({ dice: null, iou: null, hd: null, hd95: null, assd: null, nsd: null });
    expect(pick(label(json, 'predempty', '1'), ['dice', 'iou'])).toEqual({ dice: 0, iou: 0 });
  });

  it('+inf in the summary: the mean is +inf, shown "inf" in the table; a gate <= fails, >= passes', () => {
    const base = ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--labels', '1', '--metrics', 'all', '--convention', 'monai'];
    const fails = runCli([...base, '--format', 'json', '--gate', 'labels.1.hd.mean<=1000']);
    expect(fails.status).toBe(1);
    const json = JSON.parse(fails.stdout);
    expect(json.summary.labels['1'].hd.mean).toBeNull(); // +inf is null in JSON
    expect(json.summary.labels['1'].hd.n).toBe(3);
    expect(json.summary.labels['1'].hd.max).toBeNull();
    expect(runCli([...base, '--format', 'json', '--gate', 'labels.1.hd.mean>=0']).status).toBe(0);
    const table = runCli([...base, '--format', 'table']);
    expect(table.stdout).toMatch(/│ hd +│ +inf ± NaN │ +inf │ +2\.000 │ +inf │ 3 │/);
    const csv = runCli([...base, '--format', 'csv']).stdout.split('\r\n');
    const head = csv[0]!.split(',');
    const predEmpty = csv.find((l) => l.startsWith('predempty,1,'))!.split(',');
    expect(predEmpty[head.indexOf('hd')]).toBe('');
    expect(predEmpty[head.indexOf('nsd')]).toBe('0');
  });
});

describe('+inf survives shards and segloss merge (JSON holds null, the warning says it was +inf)', () => {
  it('merged shards give the single run\'s report, infinite means included', () => {
    const flags = ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--labels', '1,2', '--allow-absent-labels', '--metrics', 'all', '--format', 'json', '--convention', 'monai'];
    const single = JSON.parse(runCli(flags).stdout);
    const shards = [1, 2].map((i) => ws.write(`shard${i}.json`, runCli([...flags, '--shard', `${i}/2`]).stdout));
    const merged = runCli(['merge', ...shards, '--allow-absent-labels', '--format', 'json']);
    expect(merged.status).toBe(0);
    const m = JSON.parse(merged.stdout);
    for (const r of [single, m]) {
      for (const c of r.cases) delete c.seconds;
      delete r.config.shard;
    }
    expect(m).toEqual(single);
    // hd of label 1: 2 (row) and +inf twice → mean +inf (null), n = 3.
    expect(m.summary.labels['1'].hd).toMatchObject({ mean: null, n: 3 });
  });
});

describe('--convention metricsreloaded (BinaryPairwiseMeasures)', () => {
  it('max of directed percentiles, pooled assd; empty pair: Dice 1, IoU null, distances 0, NSD 1', () => {
    const { json } = evalJson(['--convention', 'metricsreloaded']);
    const r = label(json, 'row', '1');
    close(r.hd95 as number, ROW_VOXELS.hd95Max);
    close(r.assd as number, ROW_VOXELS.assdPooled);
    expect(pick(label(json, 'row', '2'), ['dice', 'iou', ...SURF])).toEqual({ dice: 1, iou: null, hd: 0, hd95: 0, assd: 0, nsd: 1 });
    // measured_distance returns NaN for one empty mask; NSD counts no border within τ.
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: 0 });
    expect(pick(label(json, 'gtempty', '1'), ['dice', 'iou'])).toEqual({ dice: 0, iou: 0 });
  });
});

describe('--convention medpy (MedPy ≥ 0.5.2)', () => {
  it('pooled percentile and pooled assd; empty masks stay null', () => {
    const { json } = evalJson(['--convention', 'medpy']);
    const r = label(json, 'row', '1');
    close(r.hd95 as number, ROW_VOXELS.hd95Union);
    close(r.assd as number, ROW_VOXELS.assdPooled);
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: null });
  });
});

describe('--convention panoptica', () => {
  it('pooled percentile, mean of directed means, NSD the mean of directed fractions at the smallest spacing', () => {
    // No spacing known: panoptica's threshold is 0.5 → pred fraction 4/6, gt 4/4.
    let r = label(evalJson(['--convention', 'panoptica']).json, 'row', '1');
    close(r.hd95 as number, ROW_VOXELS.hd95Union);
    close(r.assd as number, ROW_VOXELS.assdMean);
    close(r.nsd as number, (4 / 6 + 1) / 2);
    // --spacing 1,1: τ = min spacing = 1 → pred 5/6 within.
    r = label(evalJson(['--convention', 'panoptica', '--spacing', '1,1']).json, 'row', '1');
    close(r.nsd as number, (5 / 6 + 1) / 2);
    // An explicit tolerance wins: τ = 2 takes every distance.
    r = label(evalJson(['--convention', 'panoptica', '--nsd-tolerance', '2']).json, 'row', '1');
    close(r.nsd as number, 1);
  });
});

describe('--convention deepmind (surface-distance, surfels)', () => {
  it('area-weighted distances over surface elements', () => {
    const { json } = evalJson(['--convention', 'deepmind']);
    const r = label(json, 'row', '1');
    close(r.hd as number, ROW_SURFELS.hd);
    close(r.hd95 as number, ROW_SURFELS.hd95);
    close(r.assd as number, ROW_SURFELS.assdMean);
    close(r.nsd as number, ROW_SURFELS.nsd1);
    expect(json.config.surface).toBe('surfels');
    expect(json.config.hd95).toBe('max');
    expect(json.config.assd).toBe('mean');
  });

  it('empty masks as the library leaves them: robust HD +inf, average NaN, surface Dice 0 (one) or NaN (pair); Dice NaN for a pair', () => {
    const { json } = evalJson(['--convention', 'deepmind']);
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: 0 });
    const w = caseOf(json, 'predempty').warnings;
    expect(w).toContain('label 1: hd is +inf (prediction mask empty)');
    expect(w).toContain('label 1: hd95 is +inf (prediction mask empty)');
    expect(w).toContain('label 2: hd is +inf (both masks empty)');
    expect(pick(label(json, 'row', '2'), ['dice', 'nsd'])).toEqual({ dice: null, nsd: null });
  });

  it('the same row through --surface voxels and surfels: the documented difference', () => {
    const vox = label(evalJson(['--assd', 'pooled']).json, 'row', '1');
    const sur = label(evalJson(['--surface', 'surfels', '--assd', 'pooled']).json, 'row', '1');
    // Same largest distance (pred pixel 5 ↔ corner x = 6 is 2 from the gt's end in both).
    close(vox.hd as number, 2);
    close(sur.hd as number, 2);
    // Voxels count each boundary pixel once; surfels weigh each corner by its contour length.
    close(vox.assd as number, ROW_VOXELS.assdPooled);
    close(sur.assd as number, ROW_SURFELS.assdPooled);
    // --surface surfels alone implies --hd95 max; areas put 11 % of pred's contour at distance 2.
    close(sur.hd95 as number, 2);
  });

  it('anisotropic spacing (--spacing 2,1: 2 mm along the row): distances and lengths scale with their axis', () => {
    const flags = ['--spacing', '2,1', '--assd', 'mean'];
    const vox = label(evalJson(flags).json, 'row', '1');
    const sur = label(evalJson([...flags, '--surface', 'surfels']).json, 'row', '1');
    // Voxels: d(P→G) = [0,0,0,0,2,4] mm, d(G→P) = 0 → (6/6 + 0)/2.
    close(vox.assd as number, 0.5);
    close(vox.hd as number, 4);
    // Surfels: per grid line pred has ends ½√(2² + 1²) = √5/2 and five runs of 2 mm; x = 5 is
    // 2 mm away (length 2), x = 6 is 4 mm away (length √5/2): mean (2·2 + 4·√5/2)/(10 + √5).
    close(sur.assd as number, (4 + 2 * Math.sqrt(5)) / (10 + Math.sqrt(5)) / 2);
    close(sur.hd as number, 4);
  });
});

describe('--convention nnunet', () => {
  it('Dice and IoU NaN (null) for an empty pair, 0 when only the ground truth is empty', () => {
    const { json } = evalJson(['--convention', 'nnunet']);
    expect(pick(label(json, 'row', '2'), ['dice', 'iou'])).toEqual({ dice: null, iou: null });
    expect(pick(label(json, 'gtempty', '1'), ['dice', 'iou'])).toEqual({ dice: 0, iou: 0 });
    close(label(json, 'row', '1').dice as number, 0.8);
  });
});

describe('an explicit option wins over the convention; config records every switch', () => {
  it('--convention monai --hd95 union', () => {
    const { json } = evalJson(['--convention', 'monai', '--hd95', 'union', '--surface-empty-one', 'nsd=1']);
    close(label(json, 'row', '1').hd95 as number, ROW_VOXELS.hd95Union);
    expect(json.config.convention).toBe('monai');
    expect(json.config.hd95).toBe('union');
    expect(json.config.empty).toBe('nan');
    expect(json.config.empty_gt).toBe('nan');
    // A per-metric list changes only what it names: hd and assd keep MONAI's +inf.
    expect(json.config.surface_empty_one).toBe('hd=inf,hd95=null,assd=inf,nsd=1');
    expect(json.config.focal_multiclass).toBe('categorical');
    expect(json.config.focal_alpha).toBe(1);
    expect(pick(label(json, 'predempty', '1'), SURF)).toEqual({ hd: null, hd95: null, assd: null, nsd: 1 });
  });

  it('--empty-iou nan alone: the pair keeps Dice 1 and loses IoU', () => {
    const { json } = evalJson(['--empty-iou', 'nan']);
    expect(pick(label(json, 'row', '2'), ['dice', 'iou'])).toEqual({ dice: 1, iou: null });
  });

  it.each([
    [['--surface-empty-one', 'hd=2'], /--surface-empty-one: hd: value must be one of null inf 0 1/],
    [['--surface-empty-pair', 'dice=0'], /--surface-empty-pair: unknown metric "dice"/],
    [['--convention', 'nope'], /--convention/],
  ])('a bad value is a one-line usage error (%j)', (flags, msg) => {
    const r = evalJson(flags);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });
});

// ---- loss conventions ------------------------------------------------------------------

describe('loss conventions on a multi-channel prediction', () => {
  let lw: Workspace;
  // 1 × 4 image, gt [1,1,0,0]; probabilities (channels first):
  //   P1 = [0.8, 0.5, 0.1, 0.1], P2 = [0.1, 0.1, 0.1, 0.2], P0 = 1 − P1 − P2 = [0.1, 0.4, 0.8, 0.7]
  const P1 = [0.8, 0.5, 0.1, 0.1];
  const P2 = [0.1, 0.1, 0.1, 0.2];
  const P0 = P1.map((p, i) => 1 - p - P2[i]!);
  beforeAll(() => {
    lw = workspace('segloss-conv-loss-');
    lw.addCase('p', row([1, 1, 0, 0]), npy([3, 1, 4], [...P0, ...P1, ...P2], 'f4'));
  });
  afterAll(() => lw.cleanup());
  const run = (flags: string[]) => {
    const r = runCli(['eval', '--workers', '1', '--pred', lw.pred, '--gt', lw.gt, '--input', 'probs', '--format', 'json', ...flags]);
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout).cases[0];
  };
  const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

  it('smp: smooth 0, background included, an absent class scores 0 and still counts in the mean', () => {
    // smp DiceLoss(mode="multiclass"): per class 1 − 2Σpt/(Σp + Σt), masked by Σt > 0, mean over classes.
    const p0 = f32(P0), p1 = f32(P1);
    const t0 = [0, 0, 1, 1], t1 = [1, 1, 0, 0];
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    const dice = (p: number[], t: number[]) => 1 - (2 * dot(p, t)) / (sum(p) + sum(t));
    const jac = (p: number[], t: number[]) => 1 - dot(p, t) / (sum(p) + sum(t) - dot(p, t));
    const c = run(['--convention', 'smp']);
    expect(Object.keys(c.labels)).toEqual(['0', '1', '2']);
    expect(c.losses.dice).toBeCloseTo((dice(p0, t0) + dice(p1, t1) + 0) / 3, 6);
    expect(c.losses.iou).toBeCloseTo((jac(p0, t0) + jac(p1, t1) + 0) / 3, 6);
    expect(c.labels['2'].losses.dice).toBe(0);
    // Kept instead: class 2's Dice loss is 1 − 0/Σp = 1.
    const keep = run(['--convention', 'smp', '--absent-class-loss', 'keep']);
    expect(keep.losses.dice).toBeCloseTo((dice(p0, t0) + dice(p1, t1) + 1) / 3, 6);
  });

  it('--lovasz-classes all: an absent class adds its largest probability (Jaccard steps 1, 0, 0, …)', () => {
    const present = run(['--include-background']).losses.lovasz_softmax as number;
    const all = run(['--include-background', '--lovasz-classes', 'all']).losses.lovasz_softmax as number;
    // present averages classes 0 and 1; all adds class 2's term max P2 = 0.2.
    expect(all).toBeCloseTo((2 * present + f32([0.2])[0]!) / 3, 6);
  });
});

describe('--focal-multiclass categorical (MONAI FocalLoss(use_softmax=True), reduction mean)', () => {
  let lw: Workspace;
  // Two voxels, gt [1, 0]; logits (channels first) z = [[0, 1], [2, 0], [0, −1]].
  const Z = [
    [0, 2, 0],
    [1, 0, -1],
  ];
  beforeAll(() => {
    lw = workspace('segloss-conv-focal-');
    lw.addCase('z', row([1, 0]), npy([3, 1, 2], [Z[0]![0]!, Z[1]![0]!, Z[0]![1]!, Z[1]![1]!, Z[0]![2]!, Z[1]![2]!], 'f4'));
  });
  afterAll(() => lw.cleanup());
  const run = (flags: string[]) => {
    const r = runCli(['eval', '--workers', '1', '--pred', lw.pred, '--gt', lw.gt, '--input', 'logits', '--format', 'json', ...flags]);
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout).cases[0];
  };
  // softmax_focal_loss: −(1 − P_y)^γ log P_y at the target channel, mean over voxels × channels.
  const term = (z: number[], y: number, kept: number[]) => {
    const s = kept.reduce((a, c) => a + Math.exp(z[c]!), 0);
    const p = Math.exp(z[y]!) / s;
    return (1 - p) ** 2 * -Math.log(p);
  };

  it('with --include-background: softmax over all 3 channels, (1/(N·C)) Σ', () => {
    const want = (term(Z[0]!, 1, [0, 1, 2]) + term(Z[1]!, 0, [0, 1, 2])) / (2 * 3);
    expect(run(['--convention', 'monai', '--include-background']).losses.focal).toBeCloseTo(want, 9);
  });

  it('without: channel 0 dropped before the softmax, its voxels add 0', () => {
    const want = term(Z[0]!, 1, [1, 2]) / (2 * 2);
    expect(run(['--convention', 'monai']).losses.focal).toBeCloseTo(want, 9);
  });
});
