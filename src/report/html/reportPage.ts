// `--out report.html`: the evaluation report as one self-contained page, built from the
// JSON report model only (the same object `--out report.json` writes).
import { DEFAULT_RUN_CONFIG, reportConfig } from '../../pipeline/config.js';
import type { Report } from '../model.js';
import { boxWithPoints, recallBars, reliabilityDiagram } from './charts.js';
import {
  commonFolder,
  distributions,
  inputKinds,
  labelKeys,
  lesionLabels,
  optionsChanged,
  recallBySize,
  reliabilityTables,
  summaryObject,
  tableColumns,
  valueAt,
  worstCases,
  type Distribution,
} from './data.js';
import { esc, num, pageShell, sortableTable } from './page.js';
import { OVERLAY_COLOURS, thumbnail, type ThumbnailOptions } from './thumbnails.js';

export interface HtmlReportOptions extends ThumbnailOptions {
  /** Worst cases shown with a picture (--html-worst). */
  worst: number;
  /** When the page was made. */
  now: Date;
  /** Re-rendered from this saved JSON report (`segloss report`). */
  source?: string;
}

export const DEFAULT_HTML_WORST = 8;

const defaultConfig = (): Record<string, unknown> => reportConfig({ ...DEFAULT_RUN_CONFIG, pred: '', gt: '' }, []);

function header(r: Report, o: HtmlReportOptions): string {
  const s = r.summary;
  const predDir = commonFolder(r.cases.map((c) => c.pred));
  const gtDir = commonFolder(r.cases.map((c) => c.gt));
  const regions = r.config.regions && typeof r.config.regions === 'object' ? Object.entries(r.config.regions as Record<string, number[]>) : null;
  const targets = regions ? `regions ${regions.map(([k, v]) => `${esc(k)} = ${esc(v.join(','))}`).join('; ')}` : `labels ${esc(labelKeys(r).join(', ') || '–')}`;
  const changed = optionsChanged(r.config, defaultConfig());
  const kinds = inputKinds(r);
  const checks: string[] = [];
  for (const g of r.gates) checks.push(`<li class="${g.pass ? 'pass' : 'fail'}">${g.pass ? '✔' : '✘'} gate <code>${esc(g.expr)}</code> (value ${num(g.value)})</li>`);
  for (const g of r.case_gates ?? []) {
    const who = g.failures.slice(0, 10).map((f) => esc(f.id)).join(', ');
    checks.push(`<li class="${g.pass ? 'pass' : 'fail'}">${g.pass ? '✔' : '✘'} every case <code>${esc(g.expr)}</code> (${g.evaluated} checked${g.failures.length ? `; failed: ${who}${g.failures.length > 10 ? ', …' : ''}` : ''})</li>`);
  }
  for (const c of r.baseline?.checks ?? []) {
    checks.push(`<li class="${c.pass ? 'pass' : 'fail'}">${c.pass ? '✔' : '✘'} baseline <code>${esc(c.path)}</code>: ${num(c.baseline)} → ${num(c.current)} (change ${num(c.change)}, allowed ${num(c.max_drop)} ${c.lower_is_better ? 'rise' : 'drop'})</li>`);
  }
  return `<header>
<h1>segloss report <span class="badge ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'passed' : 'failed'}</span></h1>
<dl class="facts">
<dt>predictions</dt><dd><code>${esc(predDir ?? '–')}</code></dd>
<dt>ground truth</dt><dd><code>${esc(gtDir ?? '–')}</code></dd>
<dt>input</dt><dd>${esc(String(r.config.input ?? 'auto'))}${kinds.length ? ` (read as ${kinds.map(([k, n]) => `${esc(k)} ${n}`).join(', ')})` : ''}</dd>
<dt>evaluated</dt><dd>${targets}</dd>
<dt>options</dt><dd>${changed.length ? changed.map(([k, v]) => `<code>${esc(k)} = ${esc(JSON.stringify(v))}</code>`).join(' ') : 'all defaults'}</dd>
<dt>cases</dt><dd>${s.cases}: <span class="pass">${s.ok} ok</span>, <span class="${s.missing ? 'fail' : ''}">${s.missing} missing</span>, <span class="${s.errors ? 'fail' : ''}">${s.errors} errors</span></dd>
<dt>checks</dt><dd>${checks.length ? `<ul>${checks.join('')}</ul>` : 'no gates or baseline checks'}</dd>
<dt>made by</dt><dd>segloss ${esc(r.tool?.version ?? '?')}, ${esc(o.now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}${o.source ? ` from <code>${esc(o.source)}</code>` : ''}</dd>
</dl>
</header>`;
}

function unitOf(d: Distribution): string {
  const dir = d.direction === 'higher' ? ' → higher is better' : d.direction === 'lower' ? ' ← lower is better' : '';
  const mm = /^(hd|hd95|assd|lesion_hd95)$/.test(d.title) ? ' (mm)' : /^avd$/.test(d.title) ? ' (ml)' : '';
  return `${d.title}${mm}${dir}`;
}

async function chartBlock(d: Distribution, notEvaluated: number): Promise<string> {
  const nulls = d.nulls.length
    ? `<p class="nulls">${d.nulls.length} case${d.nulls.length > 1 ? 's' : ''} without a value (null/NaN), not drawn: ${d.nulls.slice(0, 20).map(esc).join(', ')}${d.nulls.length > 20 ? ', …' : ''}</p>`
    : '';
  const extra = notEvaluated ? ` <span class="muted">(+${notEvaluated} missing/error not drawn)</span>` : '';
  return `<div class="chart" data-quantity="${esc(d.path.join('.'))}"><h4>${esc(d.title)} <span class="muted">n = ${d.values.length}</span>${extra}</h4>${nulls}${await boxWithPoints(d, unitOf(d))}</div>`;
}

async function distributionSection(r: Report): Promise<string> {
  const notEvaluated = r.summary.missing + r.summary.errors;
  const parts: string[] = ['<section id="distributions"><h2>Distributions per label</h2><p class="muted">Every ok case is a point (hover for its id); the box spans the quartiles, the whiskers reach the furthest case within 1.5 × IQR.</p>'];
  for (const ld of distributions(r)) {
    const heading = ld.label === 'case' ? 'Case-level losses' : `Label ${ld.label}`;
    parts.push(`<div class="label-dist" data-label="${esc(ld.label)}"><h3>${esc(heading)}</h3>`);
    if (ld.metrics.length) {
      parts.push('<div class="grid">');
      for (const d of ld.metrics) parts.push(await chartBlock(d, notEvaluated));
      parts.push('</div>');
    }
    if (ld.losses.length) {
      parts.push('<h4 class="muted">losses</h4><div class="grid">');
      for (const d of ld.losses) parts.push(await chartBlock(d, notEvaluated));
      parts.push('</div>');
    }
    parts.push('</div>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** Lesion detection (lesions.md), when the report has it. */
async function lesionSection(r: Report): Promise<string> {
  const labels = lesionLabels(r);
  if (labels.length === 0) return '';
  const pooled = summaryObject(r, 'lesions');
  const parts = ['<section id="lesions"><h2>Lesion detection</h2><div class="grid">'];
  for (const L of labels) {
    const p = pooled[L] ?? {};
    const facts = ['tp', 'fp', 'fn', 'precision', 'recall', 'f1', 'pq'].filter((k) => k in p).map((k) => `${k} <b>${num(p[k])}</b>`).join(' · ');
    const bins = recallBySize(r, L);
    const perCaseF1 = r.cases.filter((c) => c.status === 'ok').map((c) => ({ id: c.id, value: valueAt(c, ['labels', L, 'lesion_f1']) }));
    const f1Values = perCaseF1.filter((x): x is { id: string; value: number } => typeof x.value === 'number');
    const f1Chart = f1Values.length
      ? await chartBlock({ title: 'lesion_f1', path: ['labels', L, 'lesion_f1'], values: f1Values, nulls: perCaseF1.filter((x) => x.value === null).map((x) => x.id), direction: 'higher' }, 0)
      : '';
    parts.push(`<div class="lesion" data-label="${esc(L)}"><h3>${esc(L)}</h3><p>${facts || 'no pooled counts'}</p>${bins.length ? `<div class="chart recall"><h4>recall by lesion size</h4>${await recallBars(bins)}</div>` : '<p class="muted">no per-lesion entries</p>'}${f1Chart}</div>`);
  }
  parts.push('</div></section>');
  return parts.join('\n');
}

/** Calibration (metrics-extra.md summary.reliability), when the run computed ECE. */
async function reliabilitySection(r: Report): Promise<string> {
  const tables = reliabilityTables(r);
  if (tables.length === 0) return '';
  const parts = ['<section id="calibration"><h2>Calibration</h2><p class="muted">Pooled over the ok probability cases; point size = voxels in the bin; the dashed diagonal is perfect calibration.</p><div class="grid">'];
  for (const [L, t] of tables) {
    const ece = (r.summary.labels?.[L] as Record<string, { mean?: unknown }> | undefined)?.ece?.mean;
    parts.push(`<div class="chart reliability" data-label="${esc(L)}"><h4>${esc(L)}${ece !== undefined ? ` <span class="muted">mean ECE ${num(ece)}</span>` : ''}</h4>${await reliabilityDiagram(t)}</div>`);
  }
  parts.push('</div></section>');
  return parts.join('\n');
}

async function worstSection(r: Report, o: HtmlReportOptions): Promise<string> {
  const worst = worstCases(r, o.worst);
  if (worst.length === 0) return o.worst > 0 ? '<section id="worst"><h2>Worst cases</h2><p class="muted">No ok case with a Dice to rank.</p></section>' : '';
  const byId = new Map(r.cases.map((c) => [c.id, c]));
  const [tp, fp, fn] = [OVERLAY_COLOURS.tp, OVERLAY_COLOURS.fp, OVERLAY_COLOURS.fn].map((c) => `rgb(${c.join(',')})`);
  const legend = `<p class="legend"><span><i style="background:${tp}"></i>true positive</span><span><i style="background:${fp}"></i>false positive (or wrong label)</span><span><i style="background:${fn}"></i>false negative</span><span class="muted">${o.images ? `over the images in <code>${esc(o.images)}</code>, ${o.window ? `window ${o.window[0]}/${o.window[1]}` : 'windowed to percentiles 1–99'}` : 'over a neutral background (give --images DIR to draw over the images)'}</span></p>`;
  const figures: string[] = [];
  let missingPictures = 0;
  // Two at a time: sharp encodes on its own threads while the next case is read, and two
  // large volumes at most are in memory.
  const thumbs: Awaited<ReturnType<typeof thumbnail>>[] = new Array(worst.length);
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < worst.length; k = next++) thumbs[k] = await thumbnail(r, byId.get(worst[k].id)!, o);
  };
  await Promise.all([lane(), lane()]);
  for (const [k, w] of worst.entries()) {
    const t = thumbs[k];
    if (!t.src) missingPictures++;
    const where = t.slice === null ? '' : `, slice ${t.slice}`;
    figures.push(`<figure class="case" data-id="${esc(w.id)}">${t.src ? `<img alt="${esc(w.id)}: overlay" src="${t.src}">` : ''}<figcaption><b>${esc(w.id)}</b> Dice ${num(w.dice)}${where}${t.src ? ` <span class="muted">(${t.counts.tp} TP, ${t.counts.fp} FP, ${t.counts.fn} FN px)</span>` : ''}${t.note ? `<br><span class="fail">${esc(t.note)}</span>` : ''}</figcaption></figure>`);
  }
  const gone = missingPictures ? `<p class="note">${missingPictures} of ${worst.length} worst cases have no picture: pictures are drawn from the case files, which must still be where the report says.</p>` : '';
  return `<section id="worst"><h2>Worst ${worst.length} case${worst.length > 1 ? 's' : ''} by Dice</h2>${legend}${gone}<div class="worst">${figures.join('\n')}</div></section>`;
}

function casesSection(r: Report): string {
  const cols = tableColumns(r);
  const headings = [{ text: 'id', numeric: false }, { text: 'status', numeric: false }, ...cols.map((c) => ({ text: c.heading, numeric: true }))];
  const rows = r.cases.map((c) => ({
    id: c.id,
    cls: c.status === 'ok' ? undefined : c.status,
    cells: [
      { html: esc(c.id), v: c.id },
      { html: c.status === 'ok' ? 'ok' : `${esc(c.status)}: ${esc(c.error ?? '')}`, v: c.status },
      ...cols.map((col) => {
        const v = valueAt(c, col.path);
        return { html: num(v), v: typeof v === 'number' ? v : null };
      }),
    ],
  }));
  const problems = r.cases.filter((c) => c.status !== 'ok');
  const list = problems.length
    ? `<h3>Missing and failed cases</h3><ul>${problems.map((c) => `<li class="fail"><b>${esc(c.id)}</b> ${esc(c.status)}: ${esc(c.error ?? '')}</li>`).join('')}</ul>`
    : '';
  return `<section id="per-case"><h2>Cases</h2>${list}<input id="case-filter" type="search" placeholder="filter by case id" aria-label="filter by case id"> <span class="muted">click a heading to sort</span>${sortableTable('cases', headings, rows)}</section>`;
}

/** The whole page. Async: charts load their library on first use, thumbnails read case files. */
export async function renderHtmlReport(r: Report, o: HtmlReportOptions): Promise<string> {
  // The pictures (file reads, sharp) are under way while the charts are drawn.
  const worst = worstSection(r, o);
  const distributionsHtml = await distributionSection(r);
  const body = [
    header(r, o),
    await worst,
    distributionsHtml,
    await lesionSection(r),
    await reliabilitySection(r),
    casesSection(r),
  ].join('\n');
  return pageShell(`segloss report${o.source ? ` – ${o.source}` : ''}`, body);
}
