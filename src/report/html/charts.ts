// Charts as inline SVG strings, drawn by Observable Plot into a minimal document of our
// own (svgDocument.ts; no browser, no general DOM library). Both are imported on first
// use only, so a run without an HTML report never loads them. The page's own code computes only the numbers (quartiles, bins); the
// geometry, scales and axes are Plot's.
import type { CaseValue, Distribution, RecallBin, ReliabilityTable } from './data.js';

type PlotModule = typeof import('@observablehq/plot');
/** A DOM node Plot returned: all the page needs from it is its markup. */
interface Markup {
  outerHTML: string;
}
interface Charting {
  Plot: PlotModule;
  /** The document Plot draws into (typed opaque: the DOM lib is not part of this Node build). */
  document: never;
}

let charting: Promise<Charting> | null = null;

/** Plot and a DOM document to draw into, loaded once per process. */
export function loadCharting(): Promise<Charting> {
  charting ??= (async () => {
    const [{ LiteDocument }, Plot] = await Promise.all([import('./svgDocument.js'), import('@observablehq/plot')]);
    return { Plot, document: new LiteDocument() as never };
  })();
  return charting;
}

/**
 * Load the library and draw a few throw-away box plots of the real size, so its code is
 * loaded and compiled while the cases are still being evaluated (the main thread mostly
 * waits on the workers then): a cold first chart costs several warm ones.
 */
export async function warmUpCharting(): Promise<void> {
  await loadCharting();
  const values = Array.from({ length: 300 }, (_, i) => ({ id: `warm-up ${i}`, value: ((i * 7919) % 1000) / 1000 }));
  for (let k = 0; k < 4; k++) await boxWithPoints({ title: 'dice', path: [], values, nulls: [], direction: 'higher' }, 'dice');
}

const svgOf = (node: unknown): string => (node as Markup).outerHTML;

/** Linear-interpolated quantile of sorted values (numpy's default, as d3.quantileSorted). */
export function quantileSorted(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** Tukey box: quartiles, and whiskers at the most extreme values within 1.5 IQR. */
export function tukeyBox(values: number[]): { q1: number; median: number; q3: number; lo: number; hi: number } {
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  const inside = s.filter((v) => v >= q1 - 1.5 * iqr && v <= q3 + 1.5 * iqr);
  return { q1, median: quantileSorted(s, 0.5), q3, lo: inside[0], hi: inside[inside.length - 1] };
}

/** A stable vertical offset in [−0.3, 0.3] per case, so points do not sit on one line. */
function jitter(id: string, i: number): number {
  let h = 2166136261 ^ i;
  for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 16777619);
  return (((h >>> 0) % 1000) / 1000 - 0.5) * 0.6;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

/** Horizontal box plot with every case drawn as a point (its <title> names the case). */
export async function boxWithPoints(d: Distribution, unitLabel: string): Promise<string> {
  const { Plot, document } = await loadCharting();
  const pts = d.values.map((v: CaseValue, i) => ({ id: v.id, x: v.value, y: 0.5 + jitter(v.id, i) }));
  const marks: unknown[] = [Plot.frame({ stroke: '#ddd' })];
  if (pts.length > 0) {
    const b = tukeyBox(pts.map((p) => p.x));
    marks.push(
      Plot.ruleY([0.5], { x1: b.lo, x2: b.hi, stroke: '#555' }),
      Plot.rect([b], { x1: 'q1', x2: 'q3', y1: 0.15, y2: 0.85, fill: '#cfe0f3', stroke: '#3b6ea5' }),
      Plot.ruleX([b.median], { y1: 0.15, y2: 0.85, stroke: '#1d3f66', strokeWidth: 2 }),
      Plot.dot(pts, { x: 'x', y: 'y', r: 2.6, fill: '#d2552b', fillOpacity: 0.75, stroke: 'white', strokeWidth: 0.5, title: (p: { id: string; x: number }) => `${p.id}: ${fmt(p.x)}` }),
    );
  }
  const xs = pts.map((p) => p.x);
  const span = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const unit = /^(dice|iou|precision|recall|specificity|nsd|f2|balanced_accuracy|auroc|ap|lesion_(f1|dice|precision|recall)|pq|sq|rq)$/.test(d.title);
  const domain = unit ? [Math.min(0, span[0]), Math.max(1, span[1])] : span[0] === span[1] ? [span[0] - 1, span[1] + 1] : undefined;
  const svg = Plot.plot({
    document,
    width: 420,
    height: 92,
    marginLeft: 12,
    marginRight: 16,
    marginBottom: 34,
    x: { label: unitLabel, ...(domain ? { domain } : {}), nice: !unit, grid: true },
    y: { domain: [0, 1], axis: null },
    marks: marks as never,
  });
  return svgOf(svg);
}

/** Lesion recall per gt-lesion size bin, with the bin's counts in each bar's title. */
export async function recallBars(bins: RecallBin[]): Promise<string> {
  const { Plot, document } = await loadCharting();
  const data = bins.map((b) => ({ ...b, r: b.recall ?? 0 }));
  const svg = Plot.plot({
    document,
    width: 420,
    height: 200,
    marginBottom: 44,
    x: { type: 'band', label: 'gt lesion size (voxels)', domain: data.map((b) => b.bin), tickRotate: -25 },
    y: { domain: [0, 1], label: 'lesion recall', grid: true },
    marks: [
      Plot.barY(data, { x: 'bin', y: 'r', fill: '#3b6ea5', title: (b: RecallBin) => `${b.bin} voxels: recall ${b.recall === null ? 'n/a' : fmt(b.recall)} (${b.tp} found, ${b.fn} missed)` }),
      Plot.ruleY([0]),
    ],
  });
  return svgOf(svg);
}

/** Reliability diagram: mean predicted probability vs observed frequency per bin, diagonal drawn. */
export async function reliabilityDiagram(t: ReliabilityTable): Promise<string> {
  const { Plot, document } = await loadCharting();
  const pts = t.count
    .map((n, k) => ({ k, n, p: t.mean_p[k], f: t.mean_t[k] }))
    .filter((b): b is { k: number; n: number; p: number; f: number } => b.n > 0 && typeof b.p === 'number' && typeof b.f === 'number');
  const svg = Plot.plot({
    document,
    width: 300,
    height: 280,
    x: { domain: [0, 1], label: 'mean predicted probability', grid: true },
    y: { domain: [0, 1], label: 'observed frequency', grid: true },
    r: { range: [2, 9] },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,3' }),
      Plot.line(pts, { x: 'p', y: 'f', stroke: '#3b6ea5' }),
      Plot.dot(pts, { x: 'p', y: 'f', r: 'n', fill: '#3b6ea5', title: (b: { k: number; n: number; p: number; f: number }) => `bin ${b.k + 1}: ${b.n} voxels, mean p ${fmt(b.p)}, observed ${fmt(b.f)}` }),
    ],
  });
  return svgOf(svg);
}

export interface PairedPoint {
  id: string;
  a: number;
  b: number;
}

/** A vs B per case, the diagonal drawn: points off the diagonal are cases that changed. */
export async function pairedScatter(points: PairedPoint[], key: string, direction: 'higher' | 'lower' | null): Promise<string> {
  const { Plot, document } = await loadCharting();
  const all = points.flatMap((p) => [p.a, p.b]);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const better = (p: PairedPoint) => (direction === null || p.a === p.b ? 'same' : (p.b > p.a) === (direction === 'higher') ? 'better' : 'worse');
  const svg = Plot.plot({
    document,
    width: 300,
    height: 290,
    x: { domain: [lo, hi], label: `A: ${key}`, grid: true, nice: true },
    y: { domain: [lo, hi], label: `B: ${key}`, grid: true, nice: true },
    color: { domain: ['better', 'worse', 'same'], range: ['#1b9e77', '#d95f02', '#888'] },
    marks: [
      Plot.line([[lo, lo], [hi, hi]], { stroke: '#999', strokeDasharray: '4,3' }),
      Plot.dot(points, { x: 'a', y: 'b', r: 3, fill: better, fillOpacity: 0.8, title: (p: PairedPoint) => `${p.id}: A ${fmt(p.a)} → B ${fmt(p.b)}` }),
    ],
  });
  return svgOf(svg);
}

export { fmt as formatNumber };
