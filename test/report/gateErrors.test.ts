// Gate parsing and checking throw like every other part of segloss: a GateSyntaxError
// naming the expression, or one GateUsageError listing every check that cannot be made.
import { describe, expect, it } from 'vitest';
import { compareToBaseline, evaluateCaseGates, evaluateGates, GateSyntaxError, GateUsageError, parseGate } from '../../src/report/index.js';
import { makeReport, simpleCase } from '../helpers/reportFixtures.js';
import { thrown } from '../helpers/thrown.js';

describe('parseGate', () => {
  it.each([
    ['metrics.dice.mean => 0.8', 'unknown operator; use one of >= <= == > <'],
    ['metrics.dice.mean', 'expected "<path> <op> <number>" with op one of >= <= == > <'],
    ['metrics..mean >= 0.5', 'empty segment in path "metrics..mean"'],
    ['metrics.dice.mean >= 0x10', '"0x10" is not a finite decimal number'],
  ])('throws a GateSyntaxError naming %j and why', (expr, reason) => {
    const e = thrown(() => parseGate(expr));
    expect(e).toBeInstanceOf(GateSyntaxError);
    expect(e).toMatchObject({ code: 'GATE_SYNTAX', expr, reason, message: `invalid gate "${expr}": ${reason}` });
  });
});

describe('checks that cannot be made', () => {
  // One ok case with dice 0.5 on label 1.
  const report = makeReport([simpleCase('a', 0.5)]);

  it('evaluateGates throws one GateUsageError listing every gate whose path does not resolve, in order', () => {
    const e = thrown(() => evaluateGates(report.summary, [parseGate('x.y>=1'), parseGate('metrics.dice.mean>=0'), parseGate('z<1')]));
    expect(e).toBeInstanceOf(GateUsageError);
    expect((e as GateUsageError).code).toBe('GATE_USAGE');
    expect((e as GateUsageError).problems.map((p) => p.expr)).toEqual(['x.y>=1', 'z<1']);
  });

  it('evaluateCaseGates throws when no ok case has the path', () => {
    const e = thrown(() => evaluateCaseGates(report.cases, [parseGate('labels.7.dice>=0.5')]));
    expect(e).toBeInstanceOf(GateUsageError);
    expect((e as GateUsageError).problems[0]).toMatchObject({ expr: 'labels.7.dice>=0.5' });
    expect((e as GateUsageError).problems[0].reason).toMatch(/^resolves for no ok case: no "7" under labels/);
  });

  it('compareToBaseline throws for a negative delta, naming the path and the delta', () => {
    const e = thrown(() => compareToBaseline(report, report, [{ path: 'metrics.dice.mean', delta: -1 }]));
    expect(e).toBeInstanceOf(GateUsageError);
    expect((e as GateUsageError).problems).toEqual([{ expr: 'metrics.dice.mean max drop -1', reason: 'delta must be a finite number ≥ 0' }]);
  });
});
