import { describe, expect, it } from 'vitest';

import { writeMarkdown } from '../../src/report/index.js';
import { failedCase, makeReport, simpleCase } from '../helpers/reportFixtures.js';

/** Cells of a GFM table row: split on pipes not preceded by a backslash. */
function cells(line: string): string[] {
  expect(line.startsWith('|') && line.endsWith('|')).toBe(true);
  return line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every table: header row, separator row of ---/---: cells, body rows; all the same width. */
function tables(md: string): { header: string[]; rows: string[][] }[] {
  const lines = md.split('\n');
  const out: { header: string[]; rows: string[][] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('|')) continue;
    const header = cells(lines[i]);
    const sep = cells(lines[i + 1]);
    expect(sep.every((c) => /^:?-{3,}:?$/.test(c))).toBe(true);
    expect(sep).toHaveLength(header.length);
    const rows: string[][] = [];
    i += 2;
    while (i < lines.length && lines[i].startsWith('|')) rows.push(cells(lines[i++]));
    for (const r of rows) expect(r).toHaveLength(header.length);
    out.push({ header, rows });
  }
  return out;
}

describe('writeMarkdown', () => {
  const report = () => {
    const r = makeReport([
      simpleCase('a|b', 0.5),
      simpleCase('c', 0.25),
      failedCase('m', 'missing', null),
      failedCase('e', 'error', 'reason | with pipe'),
    ]);
    r.gates = [
      { expr: 'metrics.dice.mean>=0.3', value: 0.375, pass: true },
      { expr: 'metrics.dice.min>=0.3', value: 0.25, pass: false },
    ];
    r.passed = false;
    return r;
  };

  it('starts with a heading and a counts line', () => {
    const lines = writeMarkdown(report()).split('\n');
    expect(lines[0]).toMatch(/^# /);
    expect(lines.join('\n')).toMatch(/4 cases: 2 ok, 1 missing, 1 error\b/);
  });

  it('has well-formed tables: header, separator, equal column counts, even with | in a case id', () => {
    const t = tables(writeMarkdown(report()));
    expect(t.map((x) => x.header)).toEqual([
      ['metric', 'mean', 'std', 'median', 'min', 'max', 'n'],
      ['label', 'Dice mean', 'Dice std', 'IoU mean', 'IoU std', 'n'],
      ['#', 'case', 'Dice', 'IoU', 'warnings'],
    ]);
    const worst = t[2].rows;
    expect(worst.map((r) => r[1])).toEqual(['c', 'a\\|b']);
  });

  it('summarises case-level metrics and losses with their statistics', () => {
    const [summary] = tables(writeMarkdown(report()));
    const dice = summary.rows.find((r) => r[0] === 'dice')!;
    // Dice 0.5 and 0.25 over the two ok cases.
    expect(dice.slice(1)).toEqual(['0.3750', '0.1250', '0.3750', '0.2500', '0.5000', '2']);
    expect(summary.rows.some((r) => r[0] === 'loss dice')).toBe(true);
  });

  it('lists at most 10 worst cases by Dice', () => {
    const many = makeReport(Array.from({ length: 15 }, (_, i) => simpleCase(`k${i}`, i / 20)));
    const worst = tables(writeMarkdown(many))[2];
    expect(worst.rows.map((r) => r[1])).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
  });

  it('lists errors and missing cases with reasons, escaping |', () => {
    const md = writeMarkdown(report());
    expect(md).toContain('- **m** (missing): no prediction found');
    expect(md).toContain('- **e** (error): reason \\| with pipe');
  });

  it('shows gates with ✅/❌', () => {
    const md = writeMarkdown(report());
    expect(md).toMatch(/^- ✅ metrics\.dice\.mean\\>=0\.3 \(value 0\.375\)$/m);
    expect(md).toMatch(/^- ❌ metrics\.dice\.min\\>=0\.3 \(value 0\.25\)$/m);
  });

  it('keeps a case id with markdown characters literal (no emphasis, no HTML)', () => {
    const md = writeMarkdown(makeReport([simpleCase('_a_*b*<i>', 0.5)]));
    expect(md).toContain('\\_a\\_\\*b\\*\\<i\\>');
    expect(md).not.toContain('<i>');
  });
});
