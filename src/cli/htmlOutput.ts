// The HTML report from the command line: `eval --out report.html` / `--format html`,
// `segloss report saved.json --out report.html`, `compare A.json B.json --out compare.html`.
// The page module (and the charting library behind it) is imported only here, on demand.
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from './usageError.js';
import { atomicWrite } from '../report/atomic.js';
import type { Report } from '../report/model.js';
import { num } from './parse.js';
import { loadReportFile } from './reportFile.js';

export interface HtmlCliOptions {
  worst: number;
  images: string | null;
  window: [number, number] | null;
}

export const isHtmlPath = (f: string): boolean => ['.html', '.htm'].includes(extname(f).toLowerCase());

/** --html-worst, --images, --window, checked before anything is evaluated. */
export function htmlOptionsOf(o: Record<string, unknown>): HtmlCliOptions {
  const worst = o.htmlWorst === undefined ? 8 : num('--html-worst', o.htmlWorst, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
  let images: string | null = null;
  if (o.images !== undefined) {
    images = String(o.images);
    const st = (() => {
      try {
        return statSync(images);
      } catch {
        return null;
      }
    })();
    if (!st) throw new UsageError(`--images ${images}: no such folder`);
    if (!st.isDirectory()) throw new UsageError(`--images ${images}: not a folder`);
  }
  let window: [number, number] | null = null;
  if (o.window !== undefined) {
    const parts = String(o.window).split(',').map((s) => Number(s.trim()));
    if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[1] > 0)) {
      throw new UsageError(`--window must be CENTER,WIDTH with WIDTH > 0 (e.g. 40,400 for CT soft tissue), got "${String(o.window)}"`);
    }
    window = [parts[0], parts[1]];
  }
  return { worst, images, window };
}

let warming: Promise<void> | null = null;

/** Start loading (and compiling) the page code now, alongside the evaluation; failures show up at render time. */
export function prefetchHtml(): void {
  warming ??= import('../report/html/index.js').then((m) => m.warmUpCharting()).catch(() => undefined);
}

/** The last page made, so `--format html --out report.html` draws it once. */
let last: { report: Report; page: Promise<string> } | null = null;

export async function renderHtml(report: Report, o: HtmlCliOptions, source?: string): Promise<string> {
  if (last?.report === report) return last.page;
  const page = (async () => {
    await warming;
    const { renderHtmlReport } = await import('../report/html/index.js');
    return renderHtmlReport(report, { ...o, now: new Date(), ...(source ? { source } : {}) });
  })();
  last = { report, page };
  return page;
}

/** The three HTML options, for every command that writes a report page. */
export function addHtmlOptions(cmd: Command): Command {
  return cmd
    .option('--html-worst <k>', 'HTML report: worst cases by Dice shown with a picture [8]')
    .option('--images <dir>', 'HTML report: input images (matched by case id) to draw the worst cases over')
    .option('--window <center,width>', 'HTML report: intensity window of --images, e.g. 40,400 for CT [percentiles 1–99]');
}

export interface ReportCliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** `segloss report saved.json [--out report.html]`: the HTML page of a saved JSON report, without re-evaluating. */
export function registerReport(program: Command, exit: { code: number }, io: ReportCliIO): void {
  const cmd = program
    .command('report')
    .description('render a saved JSON report (--out report.json) as one self-contained HTML page, without re-evaluating')
    .argument('<report.json>', 'a report written by eval --out report.json')
    .option('--out <file>', 'write the page here (.html), atomically [stdout]')
    .addOption(new Option('--format <fmt>', 'output').choices(['html']).default('html'));
  addHtmlOptions(cmd).action(async (path: string, opts: Record<string, unknown>) => {
    const out = opts.out === undefined ? null : String(opts.out);
    if (out !== null && !isHtmlPath(out)) throw new UsageError(`--out ${out}: the extension must be .html`);
    const html = htmlOptionsOf(opts);
    const report = loadReportFile(path, 'report');
    const page = await renderHtml(report, html, path);
    if (out === null) io.stdout(page);
    else await atomicWrite(out, page);
    exit.code = 0;
  });
}

/**
 * `compare … --out compare.html`: the compare JSON, exactly as `--format json` prints it
 * (statistics included when compare computes them), rendered as a page with both reports.
 */
export async function writeComparePage(
  oldPath: string,
  newPath: string,
  opts: Record<string, unknown>,
  compareAsJson: (stdout: (s: string) => void) => unknown,
): Promise<void> {
  const out = String(opts.out);
  if (!isHtmlPath(out)) throw new UsageError(`--out ${out}: the extension must be .html`);
  const limit = opts.limit === undefined ? 10 : num('--limit', opts.limit, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
  let json = '';
  await compareAsJson((s) => {
    json += s;
  });
  const { renderComparePage } = await import('../report/html/index.js');
  const a = loadReportFile(oldPath, 'old report');
  const b = loadReportFile(newPath, 'new report');
  await atomicWrite(out, await renderComparePage(a, b, JSON.parse(json), { now: new Date(), limit }));
}
