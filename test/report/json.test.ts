import { describe, expect, it } from 'vitest';

import { writeJson } from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase, simpleCase } from '../helpers/reportFixtures.js';

describe('writeJson', () => {
  it('parses back to the same report when every number is finite', () => {
    const report = makeReport([simpleCase('a', 0.8), failedCase('b', 'error', 'bad file')]);
    expect(JSON.parse(writeJson(report))).toEqual(report);
  });

  it('writes NaN and ±Infinity as null wherever they occur (cli.md: non-finite numbers are null)', () => {
    const c = okCase('a', { '1': label({ dice: Number.NaN, losses: { focal: Number.POSITIVE_INFINITY } }) }, { dice: Number.NEGATIVE_INFINITY });
    const report = makeReport([c]);
    report.gates = [{ expr: 'metrics.dice.mean>=0.5', value: Number.NaN, pass: false }];
    const text = writeJson(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    const back = JSON.parse(text);
    expect(back.cases[0].labels['1'].dice).toBeNull();
    expect(back.cases[0].labels['1'].losses.focal).toBeNull();
    expect(back.cases[0].losses.dice).toBeNull();
    expect(back.gates[0].value).toBeNull();
  });

  it('keeps the key order of the report and indents by two spaces', () => {
    const report = makeReport([simpleCase('a', 0.5)]);
    const text = writeJson(report);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(report));
    expect(Object.keys(JSON.parse(text).cases[0])).toEqual(Object.keys(report.cases[0]));
    expect(text.split('\n')[1]).toMatch(/^ {2}"schema"/);
  });

  it('does not mutate the report it is given', () => {
    const c = simpleCase('a', Number.NaN);
    const report = makeReport([c]);
    writeJson(report);
    expect(Number.isNaN(report.cases[0].metrics?.dice)).toBe(true);
  });
});
