// The HTML report's parts without a browser: the numbers behind the charts, the thumbnail
// kernels, the sections added by lesions/calibration/statistics (hand-made JSON in their
// specs' shapes), and the CLI around it (built CLI, as a user runs it).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonFolder, recallBySize, worstCases } from '../../../src/report/html/data.js';
import { boxWithPoints, quantileSorted, tukeyBox } from '../../../src/report/html/charts.js';
import { renderComparePage } from '../../../src/report/html/comparePage.js';
import { disagreementCodes, thumbnail, worstSlice } from '../../../src/report/html/thumbnails.js';
import type { Report } from '../../../src/report/model.js';
import { BIN, ROOT, runCli } from '../../helpers/cli.js';
import { statisticsBlock, withLesionsAndReliability } from '../../helpers/htmlFixtures.js';
import { scratch, type Scratch } from '../../helpers/tmp.js';

let tmp: Scratch;
let report: Report;
let base: string[];
beforeAll(() => {
  tmp = scratch('segloss-html-unit-');
  cpSync(join(ROOT, 'fixtures', 'demo'), join(tmp.dir, 'demo'), { recursive: true });
  base = ['eval', '--workers', '1', '--quiet', '--pred', join(tmp.dir, 'demo', 'pred'), '--gt', join(tmp.dir, 'demo', 'gt')];
  const r = runCli([...base, '--format', 'json']);
  expect(r.status).toBe(0);
  report = JSON.parse(r.stdout);
});
afterAll(() => tmp.cleanup());

describe('numbers behind the charts', () => {
  it('quantiles interpolate linearly between order statistics (numpy default)', () => {
    // h = (n−1)q = 0.25 → 0 + 0.25·(10 − 0)
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
  });

  it('a Tukey box keeps the whisker at the furthest value within 1.5 IQR', () => {
    // sorted 1 2 3 4 100: q1 = 2, median 3, q3 = 4, IQR 2, upper fence 7 → whisker 4; 100 is beyond.
    expect(tukeyBox([100, 3, 1, 4, 2])).toEqual({ q1: 2, median: 3, q3: 4, lo: 1, hi: 4 });
  });

  it('a case id with markup in it stays text in the point title', async () => {
    const svg = await boxWithPoints({ title: 'dice', path: ['metrics', 'dice'], values: [{ id: 'a<b&"</title><script>', value: 0.5 }], nulls: [], direction: 'higher' }, 'dice');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('<title>a&lt;b&amp;"&lt;/title&gt;&lt;script&gt;: 0.5</title>');
  });

  it('lesion recall by size pools the gt lesions of every ok case in power-of-two bins', () => {
    const bins = recallBySize(withLesionsAndReliability(report), '1');
    // sizes 1 (fn) | 3 (tp) | 5 (fn), 6 (tp); the ignored 200-voxel lesion counts nowhere.
    expect(bins.map((b) => [b.bin, b.tp, b.fn, b.recall])).toEqual([['1', 0, 1, 0], ['2–3', 1, 0, 1], ['4–7', 1, 1, 0.5]]);
  });

  it('the worst cases are the ok cases by ascending case Dice', () => {
    const dice = Object.fromEntries(report.cases.map((c) => [c.id, c.metrics!.dice as number]));
    const expected = Object.keys(dice).sort((a, b) => dice[a] - dice[b]);
    expect(worstCases(report, 2).map((w) => w.id)).toEqual(expected.slice(0, 2));
    expect(worstCases(report, 0)).toEqual([]);
  });

  it('the common folder of case paths is their longest shared directory', () => {
    expect(commonFolder(['a/b/c.png', 'a/b/d/e.png', null])).toBe('a/b');
    expect(commonFolder(['x/c.png', 'y/c.png'])).toBeNull();
  });
});

describe('thumbnails', () => {
  it('codes every voxel TP 1, FP 2 (a wrong label too), FN 3, ignored and background 0', () => {
    const targets = { member: (l: number) => (l === 1 ? 1 : l === 2 ? 2 : 0) };
    const gt = Uint8Array.from([0, 1, 1, 2, 0, 255]);
    const pred = Uint8Array.from([1, 1, 0, 1, 0, 2]);
    expect([...disagreementCodes(gt, pred, targets, 255)]).toEqual([2, 1, 3, 2, 0, 0]);
  });

  it('picks the slice with the most FP + FN, more TP breaking a tie', () => {
    // slice 1: 2 wrong, 1 TP; slice 2: 2 wrong, 2 TP.
    expect(worstSlice(Uint8Array.from([0, 0, 0, 0, 2, 3, 1, 0, 1, 1, 2, 3]), 4)).toBe(2);
  });

  it('draws over the case image, windowed by --window, and over grey 200 without one', async () => {
    const images = join(tmp.dir, 'images');
    mkdirSync(images, { recursive: true });
    // A flat image of value 100 under window 100/100 (50..150): (100 − 50)·255/100 = 127.5 → 128.
    await sharp(Buffer.alloc(64 * 64, 100), { raw: { width: 64, height: 64, channels: 1 } }).toColourspace('b-w').png().toFile(join(images, 'case_a.png'));
    const c = report.cases.find((x) => x.id === 'case_a')!;
    const pixel00 = async (src: string) => [...(await sharp(Buffer.from(src.split(',')[1], 'base64')).raw().toBuffer()).subarray(0, 3)];
    const over = await thumbnail(report, c, { images, window: [100, 100] });
    expect(over.note).toBeNull();
    expect(await pixel00(over.src!)).toEqual([128, 128, 128]);
    const plain = await thumbnail(report, c, { images: null, window: null });
    expect(await pixel00(plain.src!)).toEqual([200, 200, 200]);
    const meta = await sharp(Buffer.from(plain.src!.split(',')[1], 'base64')).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([256, 256, 'png']);
    // Pixel counts of the 64×64 slice, from the report's own confusion counts (labels 1 and 2).
    const l = c.labels!;
    expect(plain.counts.tp).toBe((l['1'].tp as number) + (l['2'].tp as number));
  });
});

describe('sections of other capabilities, from hand-made JSON', () => {
  it('the compare page shows statistics.md fields: mean diff with its CI, p, Holm p and verdict', async () => {
    const cmp = { old: 'A.json', new: 'B.json', added: [], removed: [], statusChanged: [], quantities: [], statistics: statisticsBlock() };
    const html = await renderComparePage(report, report, cmp, { now: new Date(0), limit: 5 });
    const row = html.match(/<tr data-id="metrics\.dice".*?<\/tr>/)![0];
    expect(row).toContain('0.05 [0.01, 0.09]');
    expect(row).toContain('>0.25<');
    expect(row).toContain('>0.5<');
    expect(row).toContain('not_significant');
    expect(html).toContain('data-quantity="losses.dice"');
  });

  it('a report with lesions and reliability tables gets both sections; one without gets neither', async () => {
    writeFileSync(join(tmp.dir, 'ext.json'), JSON.stringify(withLesionsAndReliability(report)));
    writeFileSync(join(tmp.dir, 'plain.json'), JSON.stringify(report));
    const ext = runCli(['report', join(tmp.dir, 'ext.json')]);
    expect(ext.status).toBe(0);
    expect(ext.stdout).toContain('<section id="lesions">');
    expect(ext.stdout).toMatch(/tp <b>2<\/b> · fp <b>1<\/b> · fn <b>2<\/b> · precision <b>0\.6667<\/b> · recall <b>0\.5<\/b> · f1 <b>0\.5714<\/b>/);
    expect(ext.stdout).toContain('<section id="calibration">');
    const plain = runCli(['report', join(tmp.dir, 'plain.json')]);
    expect(plain.stdout).not.toContain('id="lesions"');
    expect(plain.stdout).not.toContain('id="calibration"');
  });
});

describe('the CLI', () => {
  it('--format html writes one page on stdout that refers to nothing outside itself', () => {
    const r = runCli([...base, '--format', 'html']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).not.toMatch(/(src|href)="(?!data:|#)|url\(|@import|<link(?![^>]*href="data:)/);
    expect(r.stdout).toContain("default-src 'none'");
    expect((r.stdout.match(/<img /g) ?? []).length).toBe(3);
  });

  it('eval without an HTML report never imports the charting library; with one it does', () => {
    // A module hook that refuses the charting library: a run that needs it fails, one that does not is untouched.
    const hook = join(tmp.dir, 'refuse-charting.mjs');
    writeFileSync(hook, "export async function resolve(s, c, next) { if (s === '@observablehq/plot') throw new Error('charting imported: ' + s); return next(s, c); }\n");
    const register = join(tmp.dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', register, BIN, ...base, ...args], { encoding: 'utf8' });
    const plain = run(['--format', 'json', '--out', join(tmp.dir, 'lazy.csv')]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe('');
    const html = run(['--format', 'html']);
    expect(html.stderr).toMatch(/charting imported/);
  });

  it('segloss report re-renders a saved report; with the case files gone, no pictures and a note', () => {
    const moved = structuredClone(report);
    for (const c of moved.cases) {
      c.gt = join(tmp.dir, 'gone', `${c.id}.png`);
      c.pred = join(tmp.dir, 'gone', `${c.id}.png`);
    }
    writeFileSync(join(tmp.dir, 'moved.json'), JSON.stringify(moved));
    const out = join(tmp.dir, 'moved.html');
    const r = runCli(['report', join(tmp.dir, 'moved.json'), '--out', out]);
    expect(r.status).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<img ');
    expect(html).toContain('3 of 3 worst cases have no picture');
    for (const c of report.cases) expect(html).toContain(`<tr data-id="${c.id}"`);
  });

  it('bad HTML options are usage errors before anything is evaluated', () => {
    const cases: [string[], RegExp][] = [
      [['--out', join(tmp.dir, 'r.log')], /--out .*r\.log: the extension must be \.json, \.csv, \.md, \.html or \.txt/],
      [['--window', '40'], /--window must be CENTER,WIDTH with WIDTH > 0/],
      [['--html-worst', '-1'], /--html-worst/],
      [['--images', join(tmp.dir, 'no-such')], /--images .*no-such: no such folder/],
    ];
    for (const [args, message] of cases) {
      const r = runCli([...base, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(runCli(['report', join(tmp.dir, 'plain.json'), '--out', join(tmp.dir, 'x.json')]).stderr).toMatch(/extension must be \.html/);
    expect(runCli(['report', join(tmp.dir, 'nothing.json')]).status).toBe(2);
  });
});
