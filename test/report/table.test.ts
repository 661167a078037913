import { describe, expect, it } from 'vitest';

import { writeTable } from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase, simpleCase } from '../helpers/reportFixtures.js';

const ESC = /\x1b\[/;

/** Body rows of the per-case table: lines whose first cell is a case id from `ids`. */
function caseRowIds(text: string, ids: string[]): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const first = line.split('│')[1]?.trim();
    if (first !== undefined && ids.includes(first)) found.push(first);
  }
  return found;
}

function cellsOf(text: string, id: string): string[] {
  const line = text.split('\n').find((l) => l.split('│')[1]?.trim() === id);
  if (!line) throw new Error(`no row for ${id}`);
  return line.split('│').slice(1, -1).map((c) => c.trim());
}

const manyCases = (n: number) =>
  Array.from({ length: n }, (_, i) => simpleCase(`case_${String(i).padStart(3, '0')}`, (i + 1) / (n + 1)));

describe('writeTable', () => {
  it('contains no escape codes at all when color is false, even with failures and gates', () => {
    const report = makeReport([simpleCase('a', 0.5), failedCase('b', 'error', 'boom')]);
    report.gates = [{ expr: 'metrics.dice.mean>=0.9', value: 0.5, pass: false }];
    expect(writeTable(report, { color: false })).not.toMatch(ESC);
    expect(writeTable(report)).not.toMatch(ESC);
  });

  it('uses ANSI colour when asked to', () => {
    const report = makeReport([simpleCase('a', 0.5), failedCase('b', 'error', 'boom')]);
    report.gates = [{ expr: 'metrics.dice.mean>=0.9', value: 0.5, pass: false }];
    const text = writeTable(report, { color: true });
    expect(text).toMatch(/\x1b\[31mFAIL/);
    expect(text).toMatch(/\x1b\[31merror/);
  });

  it('shows every case up to 40 cases', () => {
    const cases = manyCases(40);
    const ids = cases.map((c) => c.id);
    expect(caseRowIds(writeTable(makeReport(cases)), ids)).toEqual(ids);
  });

  it('above 40 cases shows only the 10 worst by Dice, worst first', () => {
    const cases = manyCases(41);
    const ids = cases.map((c) => c.id);
    // Dice rises with the index, so the worst ten are the first ten.
    expect(caseRowIds(writeTable(makeReport(cases)), ids)).toEqual(ids.slice(0, 10));
  });

  it('lists every case above 40 when allCases is set', () => {
    const cases = manyCases(45);
    const ids = cases.map((c) => c.id);
    expect(caseRowIds(writeTable(makeReport(cases), { allCases: true }), ids)).toEqual(ids);
  });

  it('ranks a null Dice as worse than any number', () => {
    const cases = manyCases(41);
    cases[40] = simpleCase('nullcase', null);
    const ids = [...cases.map((c) => c.id)];
    const shown = caseRowIds(writeTable(makeReport(cases)), ids);
    expect(shown[0]).toBe('nullcase');
    expect(shown).toHaveLength(10);
  });

  it('formats numbers to 4 significant digits, NaN for null and — where a value does not apply', () => {
    const report = makeReport([
      // Loss columns are for soft predictions.
      { ...okCase('x', { '1': label({ dice: 2 / 3 }) }, { dice: 1 / 3, focal: null }), input: 'probs' },
      failedCase('y', 'error', 'boom'),
    ]);
    const text = writeTable(report);
    const header = cellsOf(text, 'case');
    const x = cellsOf(text, 'x');
    const y = cellsOf(text, 'y');
    const col = (name: string) => header.indexOf(name);
    expect(x[col('Dice')]).toBe('0.6667');
    expect(x[col('Dice loss')]).toBe('0.3333');
    expect(x[col('Focal')]).toBe('NaN');
    expect(header).not.toContain('Tversky'); // a loss absent from the report gets no column
    expect(y[col('Dice')]).toBe('—');
    expect(y[col('status')]).toBe('error');
  });

  it('right-aligns numeric cells', () => {
    const report = makeReport([simpleCase('a', 0.5), simpleCase('bbbbbbbbbbbb', 1 / 3)]);
    const text = writeTable(report);
    const line = text.split('\n').find((l) => l.includes('│ a '))!;
    expect(line.split('│')[2]).toMatch(/^ +0\.5000 $/);
  });

  it('prints a summary with mean ± std, median, min, max, n for metrics, losses and labels', () => {
    const report = makeReport([simpleCase('a', 0.5), simpleCase('b', 1)]);
    const text = writeTable(report);
    expect(text).toMatch(/mean ± std.*median.*min.*max.*n/);
    // Dice 0.5 and 1: mean 0.75, population std 0.25, median 0.75.
    expect(text).toMatch(/│ dice +│ +0\.7500 ± 0\.2500 │ +0\.7500 │ +0\.5000 │ +1\.000 │ 2 │/);
    expect(text).toMatch(/label 1/);
    expect(text).toMatch(/│ losses/);
  });

  it('lists errors and missing cases below the table with their reasons', () => {
    const report = makeReport([simpleCase('a', 0.5), failedCase('m', 'missing', null), failedCase('e', 'error', 'cannot read\nNIfTI')]);
    const text = writeTable(report);
    const tail = text.slice(text.lastIndexOf('┘'));
    expect(tail).toMatch(/m \[missing\]: no prediction found/);
    expect(tail).toMatch(/e \[error\]: cannot read NIfTI/); // one line, even from a multi-line message
  });

  it('shows gate results as PASS/FAIL lines after the summary, with the exact value', () => {
    const report = makeReport([simpleCase('a', 0.5)]);
    report.gates = [
      { expr: 'metrics.dice.mean>=0.4', value: 0.5, pass: true },
      { expr: 'metrics.dice.mean>=0.50001', value: 0.5, pass: false },
    ];
    const text = writeTable(report);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual(['  PASS metrics.dice.mean>=0.4 (value 0.5)', '  FAIL metrics.dice.mean>=0.50001 (value 0.5)']);
  });
});
