// What compare, eval --ci and --regression-test build from reports (statistics.md), on small
// hand-made reports whose statistics follow by hand.
import { describe, expect, it } from 'vitest';
import type { CaseResult, Report, Stats } from '../../src/report/model.js';
import { compareStatistics, filterKeys, verdictOf } from '../../src/stats/compare.js';
import { regressionTest } from '../../src/stats/regression.js';
import { summaryEntries } from '../../src/stats/summaryCi.js';

function okCase(id: string, dice: number | null, hd95: number | null = null): CaseResult {
  return {
    id, pred: `${id}.png`, gt: `${id}.png`, status: 'ok', error: null, input: 'labels', shape: [2, 2], spacing: [1, 1], warnings: [],
    metrics: { dice }, losses: { dice: dice === null ? null : 1 - dice },
    labels: { '1': { dice, hd95, tp: 3, rvd: 0.1, losses: { dice: dice === null ? null : 1 - dice } } },
  };
}
const stats = (n: number, mean: number | null = null): Stats => ({ mean, std: null, median: null, min: null, max: null, n });

function report(cases: CaseResult[], summary: Partial<Report['summary']> = {}): Report {
  return {
    schema: 'segloss-report/1', tool: { name: 'segloss', version: 'test' }, config: {}, cases,
    summary: { cases: cases.length, ok: cases.filter((c) => c.status === 'ok').length, missing: cases.filter((c) => c.status === 'missing').length, errors: 0, metrics: {}, losses: {}, labels: {}, ...summary },
    gates: [], passed: true,
  };
}

describe('compareStatistics', () => {
  it('compares every directed quantity of both reports and nothing without a direction', () => {
    const a = report([okCase('a', 0.5, 2), okCase('b', 0.6, 3)]);
    const b = report([okCase('a', 0.7, 1), okCase('b', 0.6, 3)]);
    const st = compareStatistics(a, b, { resamples: 200 });
    expect(Object.keys(st.keys)).toEqual(['labels.1.dice', 'labels.1.hd95', 'labels.1.losses.dice', 'losses.dice', 'metrics.dice']);
    // one nonzero difference of +0.2: exact, R+ = 1, p = 2·P(R ≥ 1) capped at 1
    expect(st.keys['metrics.dice']).toMatchObject({ direction: 'higher', n: 2, n_nonzero: 1, r_plus: 1, r_minus: 0, method: 'exact', p: 1 });
    expect(st.keys['metrics.dice'].mean_diff).toBeCloseTo(0.1, 15);
    expect(st.keys['labels.1.hd95'].direction).toBe('lower');
  });

  it('pairs only cases ok in both with numbers on both sides; no pair gives null fields', () => {
    const missing: CaseResult = { ...okCase('c', null), status: 'missing', metrics: undefined, losses: undefined, labels: undefined };
    const a = report([okCase('a', 0.5, null), okCase('b', 0.6, null), missing]);
    const b = report([okCase('a', 0.7, 1), okCase('b', 0.6, 2), okCase('c', 0.9, 1)]);
    const st = compareStatistics(a, b, { resamples: 200 });
    expect(st.paired_cases).toBe(2);
    expect(st.keys['labels.1.hd95']).toMatchObject({ n: 0, mean_a: null, ci_low: null, r_plus: null, method: null, p: null, p_holm: null, verdict: 'not_significant' });
  });

  it('calls a significant rise better for higher-is-better and worse for lower-is-better', () => {
    expect(verdictOf({ p_holm: 0.01, r_plus: 20, r_minus: 1, direction: 'higher' }, 0.05)).toBe('better');
    expect(verdictOf({ p_holm: 0.01, r_plus: 20, r_minus: 1, direction: 'lower' }, 0.05)).toBe('worse');
    expect(verdictOf({ p_holm: 0.01, r_plus: 1, r_minus: 20, direction: 'lower' }, 0.05)).toBe('better');
    expect(verdictOf({ p_holm: 0.06, r_plus: 20, r_minus: 1, direction: 'higher' }, 0.05)).toBe('not_significant');
    expect(verdictOf({ p_holm: 0.01, r_plus: 5, r_minus: 5, direction: 'higher' }, 0.05)).toBe('not_significant');
  });

  it('filters shown keys by label and by metric or loss name', () => {
    const keys = ['labels.1.dice', 'labels.1.losses.dice', 'labels.2.dice', 'losses.dice', 'metrics.dice'];
    expect(filterKeys(keys, ['1'], [])).toEqual(['labels.1.dice', 'labels.1.losses.dice']);
    expect(filterKeys(keys, [], ['dice'])).toEqual(['labels.1.dice', 'labels.2.dice', 'metrics.dice']);
    expect(filterKeys(keys, [], ['losses.dice'])).toEqual(['labels.1.losses.dice', 'losses.dice']);
  });
});

describe('summaryEntries (eval --ci)', () => {
  it('adds the zeros of missing cases exactly when the summary n counts them', () => {
    const missing: CaseResult = { ...okCase('m', null), status: 'missing', metrics: undefined, losses: undefined, labels: undefined };
    const r = report([okCase('a', 0.5, 2), okCase('b', 0.7, null), missing], {
      metrics: { dice: stats(3) },
      losses: { dice: stats(2) },
      labels: { '1': { dice: stats(3), hd95: stats(1), precision: stats(5) } },
    });
    const byKey = Object.fromEntries(summaryEntries(r).map((e) => [e.key, Array.from(e.values)]));
    expect(byKey['metrics.dice']).toEqual([0.5, 0.7, 0]);
    expect(byKey['losses.dice']).toEqual([0.5, 0.30000000000000004]);
    expect(byKey['labels.1.hd95']).toEqual([2]);
    // n matches neither the values nor values + missing: no interval rather than a wrong one
    expect(byKey['labels.1.precision']).toBeUndefined();
  });
});

describe('regressionTest', () => {
  const base = report(Array.from({ length: 6 }, (_, i) => okCase(`c${i}`, 0.9 - i * 0.01)));
  const worse = report(Array.from({ length: 6 }, (_, i) => okCase(`c${i}`, 0.8 - i * 0.02)));
  const on = { enabled: true, alpha: 0.05 };

  it('tests 6 pairs: all worse, distinct drops, one-sided exact p = 1/64', () => {
    const t = regressionTest('metrics.dice.mean', 0.125, 0.01, worse, base, on);
    expect(t).toMatchObject({ test: 'wilcoxon', n: 6, p: 1 / 64, pass: false });
    // the same drop within DELTA passes whatever the test says
    expect(regressionTest('metrics.dice.mean', 0.125, 0.2, worse, base, on).pass).toBe(true);
    // a loss: "worse" is a rise, the same data as a rise of the dice loss
    expect(regressionTest('losses.dice.mean', 0.125, 0.01, worse, base, on)).toMatchObject({ test: 'wilcoxon', p: 1 / 64, pass: false });
  });

  it('keeps the plain rule below 6 pairs, for counts and .std, and without the flag', () => {
    const five = report(worse.cases.slice(0, 5));
    expect(regressionTest('metrics.dice.mean', 0.125, 0.01, five, base, on)).toMatchObject({ test: 'plain', n: 5, p: null, pass: false });
    expect(regressionTest('errors', 1, 0, worse, base, on)).toMatchObject({ test: 'plain', n: null, p: null, pass: false });
    expect(regressionTest('metrics.dice.std', 0.001, 0.01, worse, base, on)).toMatchObject({ test: 'plain', n: null, pass: true });
    expect(regressionTest('labels.1.tp.mean', 0, 0, worse, base, on)).toMatchObject({ test: 'plain', n: null });
    expect(regressionTest('metrics.dice.mean', 0.125, 0.01, worse, base, { enabled: false, alpha: 0.05 })).toMatchObject({ test: 'plain', n: null, p: null, pass: false });
  });

  it('fails a check with a null side even when the test would pass it', () => {
    expect(regressionTest('metrics.dice.mean', null, 0.01, base, base, on)).toMatchObject({ test: 'wilcoxon', p: 1, pass: false });
  });
});
