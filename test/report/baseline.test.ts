import { describe, expect, it } from 'vitest';

import {
  compareReports,
  compareToBaseline,
  formatBaselineFailure,
  GateUsageError,
  writeCompareTable,
  type BaselineCheck,
  type Report,
} from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase, simpleCase } from '../helpers/reportFixtures.js';

/** Report whose summary has exactly these dice mean / dice-loss mean / label 1 hd95 mean. */
function withSummary(diceMean: number | null, lossMean: number, hd95: number): Report {
  const r = makeReport([simpleCase('a', 0.5)]);
  r.summary.metrics.dice.mean = diceMean;
  r.summary.losses.dice.mean = lossMean;
  r.summary.labels['1'].hd95 = { mean: hd95, std: 0, median: hd95, min: hd95, max: hd95, n: 1 };
  return r;
}

const checks = (r: BaselineCheck[]) => r;

describe('compareToBaseline', () => {
  // Binary fractions so the differences are exact.
  const base = withSummary(0.75, 0.25, 4);

  it('fails when a metric dropped by more than delta', () => {
    const [c] = checks(compareToBaseline(withSummary(0.625, 0.25, 4), base, [{ path: 'metrics.dice.mean', delta: 0.0625 }]));
    expect(c).toMatchObject({ pass: false, baseline: 0.75, current: 0.625, change: -0.125, lowerIsBetter: false });
  });

  it('passes a drop equal to delta, a smaller drop, and any rise', () => {
    const drops = [{ path: 'metrics.dice.mean', delta: 0.125 }];
    expect(checks(compareToBaseline(withSummary(0.625, 0.25, 4), base, drops))[0].pass).toBe(true);
    expect(checks(compareToBaseline(withSummary(0.7, 0.25, 4), base, drops))[0].pass).toBe(true);
    expect(checks(compareToBaseline(withSummary(0.99, 0.25, 4), base, drops))[0].pass).toBe(true);
  });

  it('fails when a loss rose by more than delta (lower is better), and passes when it fell', () => {
    const drops = [{ path: 'losses.dice.mean', delta: 0.0625 }];
    const [up] = checks(compareToBaseline(withSummary(0.75, 0.5, 4), base, drops));
    expect(up).toMatchObject({ pass: false, lowerIsBetter: true, change: 0.25 });
    const [down] = checks(compareToBaseline(withSummary(0.75, 0, 4), base, drops));
    expect(down.pass).toBe(true);
  });

  it('treats hd95 as lower-is-better: a rise beyond delta fails', () => {
    const drops = [{ path: 'labels.1.hd95.mean', delta: 1 }];
    expect(checks(compareToBaseline(withSummary(0.75, 0.25, 6), base, drops))[0].pass).toBe(false);
    expect(checks(compareToBaseline(withSummary(0.75, 0.25, 2), base, drops))[0].pass).toBe(true);
  });

  it('fails when the current value is null', () => {
    const [c] = checks(compareToBaseline(withSummary(null, 0.25, 4), base, [{ path: 'metrics.dice.mean', delta: 1 }]));
    expect(c).toMatchObject({ pass: false, change: null });
    expect(formatBaselineFailure(c)).not.toContain('\n');
  });

  it('is a usage error for an unknown path or a negative delta', () => {
    expect(() => compareToBaseline(base, base, [{ path: 'metrics.dcie.mean', delta: 0.1 }])).toThrow(GateUsageError);
    expect(() => compareToBaseline(base, base, [{ path: 'labels.1.dice', delta: 0.1 }])).toThrow(GateUsageError);
    expect(() => compareToBaseline(base, base, [{ path: 'metrics.dice.mean', delta: -1 }])).toThrow(GateUsageError);
  });

  it('formats a failure with both values and the allowance', () => {
    const [c] = checks(compareToBaseline(withSummary(0.625, 0.25, 4), base, [{ path: 'metrics.dice.mean', delta: 0.0625 }]));
    expect(formatBaselineFailure(c)).toBe(
      'baseline check failed: metrics.dice.mean dropped by 0.125 (baseline 0.75, now 0.625, allowed 0.0625)',
    );
  });
});

describe('compareReports', () => {
  const oldR = makeReport([
    simpleCase('a', 0.5),
    simpleCase('b', 0.5),
    simpleCase('c', 0.5),
    simpleCase('d', 0.5),
    simpleCase('gone', 0.5),
    simpleCase('s', 0.5),
  ]);
  const newR = makeReport([
    simpleCase('a', 0.25), // worse by 0.25
    simpleCase('b', 0.375), // worse by 0.125
    simpleCase('c', 0.75), // better by 0.25
    simpleCase('d', 0.5), // unchanged
    simpleCase('new', 0.5),
    failedCase('s', 'error', 'x'),
  ]);
  const cmp = compareReports(oldR, newR);

  it('lists cases that got worse (largest drop first) and better, by how much', () => {
    const dice = cmp.quantities.find((q) => q.key === 'metrics.dice')!;
    expect(dice.worse.map((c) => [c.id, c.change])).toEqual([['a', -0.25], ['b', -0.125]]);
    expect(dice.better.map((c) => [c.id, c.change])).toEqual([['c', 0.25]]);
    expect(dice.unchanged).toBe(1);
    expect(dice.compared).toBe(4);
  });

  it('treats a rising loss as worse', () => {
    // The fixture's dice loss is 1 − Dice, so it moves opposite to Dice.
    const loss = cmp.quantities.find((q) => q.key === 'losses.dice')!;
    expect(loss.lowerIsBetter).toBe(true);
    expect(loss.worse.map((c) => c.id)).toEqual(['a', 'b']);
    expect(loss.better.map((c) => c.id)).toEqual(['c']);
    // focal is a constant 0.5 in the fixture.
    expect(cmp.quantities.find((q) => q.key === 'losses.focal')!.unchanged).toBe(4);
  });

  it('reports added, removed and status-changed cases separately', () => {
    expect(cmp.added).toEqual(['new']);
    expect(cmp.removed).toEqual(['gone']);
    expect(cmp.statusChanged).toEqual([{ id: 's', old: 'ok', new: 'error' }]);
  });

  it('puts a value that became null under incomparable, not under better/worse', () => {
    const c = compareReports(makeReport([simpleCase('a', 0.5)]), makeReport([okCase('a', { '1': label({ dice: null }) })]));
    const dice = c.quantities.find((q) => q.key === 'metrics.dice')!;
    expect(dice.incomparable).toEqual([{ id: 'a', old: 0.5, new: null, change: null }]);
    expect(dice.worse).toEqual([]);
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(cmp))).toEqual(cmp);
  });

  it('renders a table without escape codes unless colour is asked for', () => {
    const text = writeCompareTable(cmp);
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).toMatch(/metrics\.dice \(higher is better\): 2 worse, 1 better, 1 unchanged of 4/);
    expect(text).toContain('only in new: new');
    expect(writeCompareTable(cmp, { color: true })).toMatch(/\x1b\[31m/);
  });
});
