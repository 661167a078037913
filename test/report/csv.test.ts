import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { writeCsv } from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase, simpleCase } from '../helpers/reportFixtures.js';

/**
 * RFC 4180 reader written independently of the writer: records end at CRLF; a field is
 * either unquoted (no quote, comma, CR or LF) or quoted with "" for a quote. Anything else
 * throws, so a sloppy writer cannot pass by accident.
 */
function parseRfc4180(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  if (!text.endsWith('\r\n')) throw new Error('last record must end with CRLF');
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unterminated quoted field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else field += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
          if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in unquoted field at ${i}`);
          field += text[i++];
        }
      }
      row.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r' && text[i + 1] === '\n') {
        i += 2;
        break;
      }
      throw new Error(`expected , or CRLF at ${i}`);
    }
    rows.push(row);
  }
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseRfc4180(text);
  for (const r of rows) expect(r).toHaveLength(header.length);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const twoLabel = () =>
  okCase('c1', {
    '1': label({ dice: 0.5, losses: { dice: 0.25, focal: 0.125 } }),
    '2': label({ dice: 1 / 3, losses: { dice: 0.75, focal: null } }),
  }, { dice: 0.5, focal: 0.1, lovasz_softmax: 0.2 });

describe('writeCsv', () => {
  it('has the cli.md columns: id,label,status, metrics in config order, loss_ columns in config order, then error', () => {
    // Config order deliberately differs from the order keys appear in the cases.
    const report = makeReport([twoLabel()], { metrics: ['iou', 'dice', 'fn'], losses: ['focal', 'dice'] });
    const [header] = parseRfc4180(writeCsv(report));
    // iou, dice, fn from config (present); then extras in first-seen order (tp, fp, tn, gt_voxels, pred_voxels);
    // losses: config focal, dice, then the extra lovasz_softmax.
    expect(header).toEqual([
      'id', 'label', 'status',
      'iou', 'dice', 'fn', 'tp', 'fp', 'tn', 'gt_voxels', 'pred_voxels',
      'loss_focal', 'loss_dice', 'loss_lovasz_softmax',
      'error',
    ]);
  });

  it('writes one "all" row per case, then one row per label with that label\'s metrics and losses', () => {
    const report = makeReport([twoLabel(), simpleCase('c2', 0.9)]);
    const rows = records(writeCsv(report));
    expect(rows.map((r) => [r.id, r.label])).toEqual([
      ['c1', 'all'], ['c1', '1'], ['c1', '2'], ['c2', 'all'], ['c2', '1'],
    ]);
    const [all, l1, l2] = rows;
    expect(Number(all.dice)).toBe((0.5 + 1 / 3) / 2); // case level: mean over the labels
    expect(Number(all.loss_focal)).toBe(0.1);
    expect(all.tp).toBe(''); // counts are per label only
    expect(Number(l1.tp)).toBe(10);
    expect(Number(l1.loss_focal)).toBe(0.125);
    expect(Number(l2.loss_dice)).toBe(0.75);
    expect(l2.loss_lovasz_softmax).toBe(''); // case-level loss has no per-label value
  });

  it('writes null as an empty cell', () => {
    const rows = records(writeCsv(makeReport([simpleCase('n', null)])));
    expect(rows[0].dice).toBe('');
    expect(rows[1].dice).toBe('');
  });

  it('keeps full double precision: every number reads back to the identical value', () => {
    const awkward = [0.1 + 0.2, 1 / 3, 5e-324, 1e-300, 123456789.12345679, 2 / 3];
    const labels = Object.fromEntries(awkward.map((d, i) => [String(i + 1), label({ dice: d, iou: d })]));
    const rows = records(writeCsv(makeReport([okCase('p', labels)])));
    expect(rows.slice(1).map((r) => Number(r.dice))).toEqual(awkward);
  });

  it('quotes fields with comma, quote, CR or LF and doubles quotes, so they round-trip', () => {
    const ids = ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain'];
    const report = makeReport(ids.map((id) => simpleCase(id, 0.5)));
    const rows = records(writeCsv(report));
    expect(rows.filter((r) => r.label === 'all').map((r) => r.id)).toEqual(ids);
  });

  it('ends every record with CRLF (no bare LF outside quotes)', () => {
    const text = writeCsv(makeReport([simpleCase('a', 0.5), simpleCase('b', 0.25)]));
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes a missing or error case as a single "all" row with empty values and the message in error', () => {
    const report = makeReport([
      simpleCase('a', 0.5),
      failedCase('m', 'missing', 'no prediction for m'),
      failedCase('e', 'error', 'shape mismatch: pred [3, 4] vs gt [4, 4]'),
    ]);
    const rows = records(writeCsv(report));
    const m = rows.filter((r) => r.id === 'm');
    const e = rows.filter((r) => r.id === 'e');
    expect(m).toHaveLength(1);
    expect(e).toHaveLength(1);
    expect(m[0]).toMatchObject({ label: 'all', status: 'missing', dice: '', loss_dice: '', error: 'no prediction for m' });
    expect(e[0]).toMatchObject({ label: 'all', status: 'error', error: 'shape mismatch: pred [3, 4] vs gt [4, 4]' });
    expect(rows.find((r) => r.id === 'a')?.error).toBe('');
  });

  const hasPython = spawnSync('python3', ['-c', 'import csv'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasPython)("reads back identically with Python's csv module (a second, independent RFC 4180 reader)", () => {
    const report = makeReport([twoLabel(), failedCase('x,"y"', 'error', 'multi\nline'), simpleCase('cr\rhere', 0.5)]);
    const text = writeCsv(report);
    const out = execFileSync('python3', [
      '-c',
      'import sys, csv, io, json; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8"), newline="")))))',
    ], { input: text }).toString();
    expect(JSON.parse(out)).toEqual(parseRfc4180(text));
  });

  const hasPandas = spawnSync('python3', ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasPandas)('reads cleanly with pandas.read_csv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segloss-csv-'));
    try {
      const file = join(dir, 'r.csv');
      writeFileSync(file, writeCsv(makeReport([twoLabel(), failedCase('x,"y"', 'error', 'multi\nline')])));
      const out = execFileSync('python3', [
        '-c',
        'import sys, pandas as pd; d = pd.read_csv(sys.argv[1], keep_default_na=False, dtype=str); print(len(d), len(d.columns), repr(d["id"].iloc[-1]))',
        file,
      ]).toString();
      expect(out.trim()).toBe(`4 15 'x,"y"'`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
