// The HTML report opened in a real headless browser (Debian's chromium through
// playwright-core), offline: it must work from the one file alone. Skipped, saying why,
// only where no chromium is installed (.ci/run installs it with apt-get).
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/model.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { withLesionsAndReliability } from '../../helpers/htmlFixtures.js';
import { scratch, type Scratch } from '../../helpers/tmp.js';

const CHROMIUM = process.env.SEGLOSS_CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  process.stderr.write(`SKIPPED: the HTML report browser tests need chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it), none found\n`);
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Opened {
  consoleErrors: string[];
  requests: string[];
  page: Awaited<ReturnType<BrowserContext['newPage']>>;
}

let ctx: BrowserContext;
let tmp: Scratch;
let report: Report;

async function open(file: string): Promise<Opened> {
  const page = await ctx.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, consoleErrors, requests };
}

const okIdsByDice = (r: Report) =>
  r.cases
    .filter((c) => c.status === 'ok' && typeof c.metrics?.dice === 'number')
    .sort((a, b) => (a.metrics!.dice as number) - (b.metrics!.dice as number))
    .map((c) => c.id);

describe.skipIf(!hasBrowser)('the HTML report in headless chromium, offline', () => {
  beforeAll(async () => {
    tmp = scratch('segloss-html-');
    // The demo fixtures plus a ground truth without prediction (a missing case).
    cpSync(join(ROOT, 'fixtures', 'demo'), join(tmp.dir, 'demo'), { recursive: true });
    copyFileSync(join(tmp.dir, 'demo', 'gt', 'case_a.png'), join(tmp.dir, 'demo', 'gt', 'case_d.png'));
    const base = ['eval', '--workers', '1', '--quiet', '--pred', join(tmp.dir, 'demo', 'pred'), '--gt', join(tmp.dir, 'demo', 'gt')];
    const r = runCli([...base, '--out', join(tmp.dir, 'r.json'), '--out', join(tmp.dir, 'r.html')]);
    expect(r.stderr).toBe('');
    report = JSON.parse(readFileSync(join(tmp.dir, 'r.json'), 'utf8'));
    expect(runCli([...base, '--threshold', '0.7', '--out', join(tmp.dir, 'r2.json')]).status).toBe(0);
    expect(runCli(['compare', join(tmp.dir, 'r.json'), join(tmp.dir, 'r2.json'), '--out', join(tmp.dir, 'c.html')]).status).toBe(0);
    writeFileSync(join(tmp.dir, 'ext.json'), JSON.stringify(withLesionsAndReliability(report)));
    expect(runCli(['report', join(tmp.dir, 'ext.json'), '--out', join(tmp.dir, 'ext.html')]).status).toBe(0);
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'segloss-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      offline: true,
    });
    // Anything that is not the file itself is refused (and recorded by the request listener).
    await ctx.route(/^(?!file:)/, (route) => route.abort());
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
    tmp?.cleanup();
  });

  it('loads without a console error and without any request beyond the file', async () => {
    for (const name of ['r.html', 'c.html', 'ext.html']) {
      const { page, consoleErrors, requests } = await open(join(tmp.dir, name));
      expect(consoleErrors, name).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('data:')), name).toEqual([pathToFileURL(join(tmp.dir, name)).href]);
      await page.close();
    }
  }, 60_000);

  it('lists every case id in the table, the missing one with its reason', async () => {
    const { page } = await open(join(tmp.dir, 'r.html'));
    const rows = await page.$$eval('#cases tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-id'), text: tr.textContent })));
    expect(rows.map((r) => r.id).sort()).toEqual(['case_a', 'case_b', 'case_c', 'case_d']);
    expect(rows.find((r) => r.id === 'case_d')!.text).toMatch(/missing: no prediction for .*case_d\.png/);
    await page.close();
  }, 60_000);

  it('clicking the dice header sorts the rows by Dice, ascending then descending, the case without one last', async () => {
    const { page } = await open(join(tmp.dir, 'r.html'));
    const ids = () => page.$$eval('#cases tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-id')));
    const ascending = okIdsByDice(report);
    expect(await ids()).toEqual(['case_a', 'case_b', 'case_c', 'case_d']);
    await page.click('#cases thead th:text-is("dice")');
    expect(await ids()).toEqual([...ascending, 'case_d']);
    await page.click('#cases thead th:text-is("dice")');
    expect(await ids()).toEqual([...ascending].reverse().concat('case_d'));
    await page.fill('#case-filter', '_b');
    expect(await page.$$eval('#cases tbody tr:not([hidden])', (trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual(['case_b']);
    await page.close();
  }, 60_000);

  it('shows every worst case with its picture (at most 256 px), worst first', async () => {
    const { page } = await open(join(tmp.dir, 'r.html'));
    const figures = await page.$$eval('figure.case', (fs) =>
      fs.map((f) => {
        const img = f.querySelector('img');
        return { id: f.getAttribute('data-id'), loaded: Boolean(img?.complete && img.naturalWidth > 0), w: img?.naturalWidth ?? 0, h: img?.naturalHeight ?? 0 };
      }),
    );
    expect(figures.map((f) => f.id)).toEqual(okIdsByDice(report).slice(0, 8));
    for (const f of figures) {
      expect(f.loaded, f.id).toBe(true);
      expect(Math.max(f.w, f.h), f.id).toBe(256);
    }
    await page.close();
  }, 60_000);

  it('draws a distribution chart for every label, one point per ok case with a value', async () => {
    const { page } = await open(join(tmp.dir, 'r.html'));
    for (const L of Object.keys(report.summary.labels)) {
      for (const q of ['dice', ...Object.keys(report.summary.labels[L])]) {
        const expected = report.cases.filter((c) => c.status === 'ok' && typeof c.labels?.[L]?.[q] === 'number').map((c) => c.id);
        const titles = await page.$$eval(`.label-dist[data-label="${L}"] .chart[data-quantity="labels.${L}.${q}"] svg circle title`, (ts) => ts.map((t) => t.textContent ?? ''));
        expect(titles.map((t) => t.split(':')[0]).sort(), `${L} ${q}`).toEqual(expected.sort());
      }
    }
    await page.close();
  }, 60_000);

  it('the compare page has a paired scatter per quantity with every case ok in both', async () => {
    const { page } = await open(join(tmp.dir, 'c.html'));
    const charts = await page.$$eval('.chart.paired', (cs) => cs.map((c) => ({ q: c.getAttribute('data-quantity'), dots: c.querySelectorAll('svg circle').length })));
    expect(charts.find((c) => c.q === 'metrics.dice')).toEqual({ q: 'metrics.dice', dots: 3 });
    expect(charts.length).toBeGreaterThan(1);
    await page.close();
  }, 60_000);

  it('the lesion and calibration sections of a report that has them render in the browser', async () => {
    const { page } = await open(join(tmp.dir, 'ext.html'));
    // Recall by size: three bins (see htmlFixtures), one bar each.
    const bars = await page.$$eval('#lesions .lesion[data-label="1"] .recall svg rect title', (ts) => ts.map((t) => t.textContent));
    expect(bars).toEqual(['1 voxels: recall 0 (0 found, 1 missed)', '2–3 voxels: recall 1 (1 found, 0 missed)', '4–7 voxels: recall 0.5 (1 found, 1 missed)']);
    // Reliability: two non-empty bins of three, one dot each.
    expect(await page.$$eval('#calibration .reliability[data-label="1"] svg circle', (cs) => cs.length)).toBe(2);
    await page.close();
  }, 60_000);
});
