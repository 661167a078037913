import { describe, expect, it } from 'vitest';

import {
  evaluateCaseGates,
  evaluateGates,
  formatGateFailure,
  GateSyntaxError,
  GateUsageError,
  parseGate,
  type Gate,
} from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase, simpleCase } from '../helpers/reportFixtures.js';
import { thrown } from '../helpers/thrown.js';

function gate(expr: string): Gate {
  return parseGate(expr);
}

describe('parseGate', () => {
  it.each([
    ['metrics.dice.mean >= 0.85', 'metrics.dice.mean', '>=', 0.85],
    ['metrics.dice.mean>=0.85', 'metrics.dice.mean', '>=', 0.85],
    ['  losses.focal.max<0.3 ', 'losses.focal.max', '<', 0.3],
    ['labels.2.iou.min > 0.5', 'labels.2.iou.min', '>', 0.5],
    ['errors == 0', 'errors', '==', 0],
    ['losses.combo.mean <= -1e-3', 'losses.combo.mean', '<=', -0.001],
    ['metrics.dice.mean>.5', 'metrics.dice.mean', '>', 0.5],
  ])('parses %j', (expr, path, op, threshold) => {
    expect(parseGate(expr)).toMatchObject({ path, op, threshold });
  });

  it.each([
    'metrics.dice.mean',
    'metrics.dice.mean = 0.8',
    'metrics.dice.mean != 0.8',
    'metrics.dice.mean => 0.8',
    'metrics.dice.mean >= abc',
    'metrics.dice.mean >= NaN',
    'metrics.dice.mean >= Infinity',
    'metrics.dice.mean >= 0x10',
    '>= 0.5',
    'metrics..mean >= 0.5',
    'metrics.dice.mean >= 0.5 extra',
    '',
  ])('rejects %j with a GateSyntaxError', (expr) => {
    const r = thrown(() => parseGate(expr));
    expect(r).toBeInstanceOf(GateSyntaxError);
  });
});

describe('evaluateGates', () => {
  // Dice 0.5 and 1 → mean 0.75, min 0.5; one error case.
  const report = makeReport([simpleCase('a', 0.5), simpleCase('b', 1), failedCase('c', 'error', 'x')]);

  it.each([
    ['metrics.dice.mean >= 0.75', true],
    ['metrics.dice.mean > 0.75', false],
    ['metrics.dice.mean <= 0.75', true],
    ['metrics.dice.mean < 0.75', false],
    ['metrics.dice.mean == 0.75', true],
    ['metrics.dice.min >= 0.6', false],
    ['labels.1.iou.min > 0.3', true], // iou of dice 0.5 = 1/3
    ['errors == 0', false],
    ['errors <= 1', true],
    ['losses.dice.max <= 0.5', true],
  ])('%s → pass %s', (expr, pass) => {
    const r = evaluateGates(report.summary, [gate(expr)]);
    expect(r).not.toBeInstanceOf(GateUsageError);
    expect((r as { pass: boolean }[])[0].pass).toBe(pass);
  });

  it('records the value found', () => {
    const r = evaluateGates(report.summary, [gate('metrics.dice.mean>=0.9')]);
    expect(r).toEqual([{ expr: 'metrics.dice.mean>=0.9', value: 0.75, pass: false }]);
  });

  it('fails a gate whose value is null, whatever the operator', () => {
    const r = makeReport([simpleCase('a', null)]);
    expect(r.summary.metrics.dice.mean).toBeNull();
    for (const op of ['>=', '<=', '<', '>', '==']) {
      const res = evaluateGates(r.summary, [gate(`metrics.dice.mean ${op} 0`)]) as { pass: boolean; value: unknown }[];
      expect(res[0]).toMatchObject({ pass: false, value: null });
    }
  });

  it.each([
    'metrics.dcie.mean >= 0.5', // typo
    'metrics.dice >= 0.5', // a stats object, not a number
    'metrics.dice.mean.x >= 0.5', // past a number
    'labels.9.dice.mean >= 0.5', // unknown label
    'metrics.constructor >= 0', // prototype keys never resolve
  ])('%s is a usage error, never a silent pass', (expr) => {
    const r = thrown(() => evaluateGates(report.summary, [gate(expr)]));
    expect(r).toBeInstanceOf(GateUsageError);
    expect((r as GateUsageError).problems[0].expr).toBe(expr);
  });

  it('reports every bad gate at once', () => {
    const r = thrown(() => evaluateGates(report.summary, [gate('a.b>=1'), gate('metrics.dice.mean>=0'), gate('c>=1')]));
    expect((r as GateUsageError).problems.map((p) => p.expr)).toEqual(['a.b>=1', 'c>=1']);
  });

  it('formats a failure as one line with the value found', () => {
    const [res] = evaluateGates(report.summary, [gate('metrics.dice.mean >= 0.9')]) as { expr: string; value: number; pass: boolean }[];
    const line = formatGateFailure(res);
    expect(line).not.toContain('\n');
    expect(line).toContain('metrics.dice.mean >= 0.9');
    expect(line).toContain('0.75');
  });
});

describe('evaluateCaseGates', () => {
  const cases = [
    okCase('a', { '1': label({ dice: 0.9 }), '2': label({ dice: 0.6 }) }, { dice: 0.2 }),
    okCase('b', { '1': label({ dice: 0.4 }), '2': label({ dice: 0.8 }) }, { dice: 0.4 }),
    okCase('n', { '1': label({ dice: null }), '2': label({ dice: 0.9 }) }, { dice: 0.1 }),
    failedCase('e', 'error', 'boom'),
    failedCase('m', 'missing', null),
  ];

  it('passes when every ok case passes, ignoring missing/error cases', () => {
    const r = evaluateCaseGates(cases, [gate('labels.2.dice >= 0.6')]);
    expect(r).toEqual([{ expr: 'labels.2.dice >= 0.6', pass: true, evaluated: 3, failures: [] }]);
  });

  it('returns the failing case ids with their values; a null fails', () => {
    const r = evaluateCaseGates(cases, [gate('labels.1.dice>=0.7')]);
    expect(r).toEqual([
      { expr: 'labels.1.dice>=0.7', pass: false, evaluated: 3, failures: [{ id: 'b', value: 0.4 }, { id: 'n', value: null }] },
    ]);
  });

  it('checks case-level metrics and losses', () => {
    const r = evaluateCaseGates(cases, [gate('losses.dice<=0.3'), gate('metrics.dice>=0.5')]) as { failures: { id: string }[] }[];
    expect(r[0].failures.map((f) => f.id)).toEqual(['b']);
    // Case-level Dice is the mean over labels: a 0.75, b 0.6, n 0.9 (null left out).
    expect(r[1].failures).toEqual([]);
  });

  it('fails an ok case that lacks the path instead of skipping it', () => {
    const mixed = [okCase('a', { '1': label({ dice: 0.9 }), '3': label({ dice: 0.9 }) }), okCase('b', { '1': label({ dice: 0.9 }) })];
    const [r] = evaluateCaseGates(mixed, [gate('labels.3.dice >= 0.5')]) as { failures: unknown[] }[];
    expect(r.failures).toEqual([{ id: 'b', value: null }]);
  });

  it('is a usage error when the path resolves for no ok case', () => {
    expect(() => evaluateCaseGates(cases, [gate('labels.7.dice >= 0.5')])).toThrow(GateUsageError);
    expect(() => evaluateCaseGates(cases, [gate('metrics.dice.mean >= 0.5')])).toThrow(GateUsageError);
    expect(() => evaluateCaseGates([failedCase('e', 'error', 'x')], [gate('metrics.dice >= 0.5')])).toThrow(GateUsageError);
  });

  it('formats a failure as one line naming the failing cases and values', () => {
    const [r] = evaluateCaseGates(cases, [gate('labels.1.dice>=0.7')]) as Parameters<typeof formatGateFailure>[0][];
    const line = formatGateFailure(r);
    expect(line).not.toContain('\n');
    expect(line).toContain('2 of 3 cases');
    expect(line).toContain('b (0.4)');
    expect(line).toContain('n (null)');
  });
});
