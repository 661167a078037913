// AUROC and AP (metrics-extra.md) from sorted truth groups, against the definitions
// counted pair by pair and threshold by threshold on random scores with many ties.
import { describe, expect, it } from 'vitest';
import { rankingOfHistograms, rankingOfRuns } from '../../../src/losses/formulas/ranking.js';
import { DEFAULT_EVAL_OPTIONS, evaluateCase, type EvalOptions } from '../../../src/losses/index.js';
import type { Volume } from '../../../src/types.js';
import { rng } from '../../helpers/rng.js';

/** AUROC by its definition: every (positive, negative) pair, 1 for a win and ½ for a tie. */
function pairwiseAuroc(s: number[], t: number[]): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (t[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (t[j] !== 0) continue;
      pairs++;
      wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return pairs ? wins / pairs : null;
}

/** sklearn's AP: at each distinct score (descending), recall step × precision at that threshold. */
function thresholdAp(s: number[], t: number[]): number | null {
  const n1 = t.filter((x) => x === 1).length;
  if (n1 === 0) return null;
  const thresholds = [...new Set(s)].sort((a, b) => b - a);
  let ap = 0;
  let prevTp = 0;
  for (const th of thresholds) {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < s.length; i++) if (s[i] >= th) (t[i] === 1 ? tp++ : fp++);
    ap += ((tp - prevTp) / n1) * (tp / (tp + fp));
    prevTp = tp;
  }
  return ap;
}

/** Random scores from `levels` distinct values (many ties), and random truth with prevalence `prev`. */
function sample(seed: number, n: number, levels: number, prev: number): { s: number[]; t: number[] } {
  const r = rng(seed);
  const s = Array.from({ length: n }, () => Math.floor(r() * levels) / levels - 0.3);
  const t = s.map((x) => (r() < prev + 0.4 * x ? 1 : 0));
  return { s, t };
}

const ascending = (xs: number[]) => Float64Array.from(xs).sort();

/** The groups cut into `k` runs, each sorted on its own (as the float64 radix sort leaves them). */
function runsOf(xs: number[], k: number): Float64Array[] {
  const len = Math.ceil(xs.length / k) || 1;
  const out: Float64Array[] = [];
  for (let at = 0; at < xs.length; at += len) out.push(ascending(xs.slice(at, at + len)));
  return out;
}

describe('rankingOfRuns', () => {
  it('equals the pairwise AUROC and the threshold-by-threshold AP on random scores with ties', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const levels = [3, 7, 20, 1000][seed % 4];
      const { s, t } = sample(seed, 150 + seed * 7, levels, 0.1 + (seed % 5) * 0.15);
      const pos = s.filter((_, i) => t[i] === 1);
      const neg = s.filter((_, i) => t[i] === 0);
      const got = rankingOfRuns([ascending(pos)], [ascending(neg)]);
      const auroc = pairwiseAuroc(s, t);
      const ap = thresholdAp(s, t);
      expect(got.auroc === null).toBe(auroc === null);
      expect(got.ap === null).toBe(ap === null);
      if (auroc !== null) expect(got.auroc!).toBeCloseTo(auroc, 12);
      if (ap !== null) expect(got.ap!).toBeCloseTo(ap, 12);
    }
  });

  it('gives the same from several runs per group as from one (the merge takes ties across runs)', () => {
    for (let seed = 40; seed < 50; seed++) {
      const { s, t } = sample(seed, 300, 9, 0.4);
      const pos = s.filter((_, i) => t[i] === 1);
      const neg = s.filter((_, i) => t[i] === 0);
      const got = rankingOfRuns(runsOf(pos, 3), runsOf(neg, 4));
      expect(got.auroc!).toBeCloseTo(pairwiseAuroc(s, t)!, 12);
      expect(got.ap!).toBeCloseTo(thresholdAp(s, t)!, 12);
    }
  });

  it('is null without positives; AUROC is null and AP 1 without negatives', () => {
    expect(rankingOfRuns([], [ascending([0.1, 0.5])])).toEqual({ auroc: null, ap: null });
    expect(rankingOfRuns([new Float64Array(0)], [ascending([0.1])])).toEqual({ auroc: null, ap: null });
    expect(rankingOfRuns([ascending([0.2, 0.9])], [])).toEqual({ auroc: null, ap: 1 });
  });

  it('gives 0.5 and the prevalence when every score ties (one threshold)', () => {
    // 3 positives, 5 negatives, all at 0.5: U = 3·5·½ → AUROC ½; AP = 1 · 3/8.
    const got = rankingOfRuns([Float64Array.of(0.5, 0.5, 0.5)], [new Float64Array(5).fill(0.5)]);
    expect(got.auroc).toBe(0.5);
    expect(got.ap).toBe(3 / 8);
  });

  it('counts −0 and +0 as one score', () => {
    // positives {−0}, negatives {+0}: a tie, AUROC ½.
    expect(rankingOfRuns([Float64Array.of(-0)], [Float64Array.of(0)]).auroc).toBe(0.5);
  });
});

describe('rankingOfHistograms', () => {
  it('equals the runs on the same quantised scores', () => {
    const r = rng(7);
    const h1 = Array.from({ length: 16 }, () => Math.floor(r() * 4));
    const h0 = Array.from({ length: 16 }, () => Math.floor(r() * 6));
    const s: number[] = [];
    const t: number[] = [];
    h1.forEach((k, v) => { for (let i = 0; i < k; i++) { s.push(v); t.push(1); } });
    h0.forEach((k, v) => { for (let i = 0; i < k; i++) { s.push(v); t.push(0); } });
    const got = rankingOfHistograms(h1, h0);
    expect(got.auroc!).toBeCloseTo(pairwiseAuroc(s, t)!, 12);
    expect(got.ap!).toBeCloseTo(thresholdAp(s, t)!, 12);
  });
});

describe('auroc/ap through evaluateCase', () => {
  const dims = [20, 15];
  const n = 300;
  const vol = (data: Volume['data'], kind: Volume['kind'], channels = 1): Volume => ({ data, dims, channels, spacing: null, kind, integer: kind === 'labels' });
  const r = rng(11);
  const gt = Uint8Array.from({ length: n }, () => (r() < 0.35 ? 1 : 0));
  // float32 probabilities on 12 levels: ties inside and across the truth groups.
  const p = Float32Array.from(gt, (g) => Math.min(1, Math.floor((r() + 0.3 * g) * 12) / 12));
  const opts = (over: Partial<EvalOptions>): EvalOptions => ({ ...DEFAULT_EVAL_OPTIONS, metrics: ['auroc', 'ap'], ...over });
  const s = Array.from(p);
  const t = Array.from(gt);

  it('is the same with the Lovász terms (groups sorted for them) and without (sorted for the ranking alone)', () => {
    const withLovasz = evaluateCase(vol(gt, 'labels'), vol(p, 'probs'), opts({ losses: ['lovasz_hinge'] })).labels['1'].metrics;
    const alone = evaluateCase(vol(gt, 'labels'), vol(p, 'probs'), opts({ losses: ['dice'] })).labels['1'].metrics;
    expect(withLovasz.auroc as number).toBeCloseTo(pairwiseAuroc(s, t)!, 12);
    expect(withLovasz.ap as number).toBeCloseTo(thresholdAp(s, t)!, 12);
    expect(alone.auroc).toBe(withLovasz.auroc);
    expect(alone.ap).toBe(withLovasz.ap);
  });

  it('ranks one-channel logits by z, so saturated sigmoids stay ordered; the background by −z', () => {
    // z from 38 to 45: sigmoid is 1.0 in float64 for all of them, z still orders them.
    const z = Float64Array.from({ length: n }, (_, i) => 38 + (i % 8) + (gt[i] ? 0.5 : 0));
    const zs = Array.from(z);
    const res = evaluateCase(vol(gt, 'labels'), vol(z, 'logits'), opts({ includeBackground: true, losses: [] })).labels;
    expect(res['1'].metrics.auroc as number).toBeCloseTo(pairwiseAuroc(zs, t)!, 12);
    expect(res['0'].metrics.auroc as number).toBeCloseTo(pairwiseAuroc(zs.map((x) => -x), t.map((x) => 1 - x))!, 12);
    expect(res['1'].metrics.auroc as number).toBeGreaterThan(0.5);
  });

  it('is null for a label-map prediction', () => {
    const res = evaluateCase(vol(gt, 'labels'), vol(gt, 'labels'), opts({})).labels['1'].metrics;
    expect(res.auroc).toBeNull();
    expect(res.ap).toBeNull();
  });
});
