// The joint histogram of (ground-truth label, predicted label) over the evaluated voxels.
// Every overlap metric, and for a label-map prediction every loss too, follows from it,
// so one integer pass over the case serves all labels and regions at once.
import { PASS_CHUNK } from '../speed/chunks.js';

export class JointHistogram {
  /** Counts keyed by gt label then pred label. */
  private readonly counts = new Map<number, Map<number, number>>();
  total = 0;

  add(gt: number, pred: number, count: number): void {
    let row = this.counts.get(gt);
    if (!row) this.counts.set(gt, (row = new Map()));
    row.set(pred, (row.get(pred) ?? 0) + count);
    this.total += count;
  }

  /** Voxels with ground-truth label `gt` predicted as `pred`. */
  count(gt: number, pred: number): number {
    return this.counts.get(gt)?.get(pred) ?? 0;
  }

  gtLabels(): number[] {
    return [...this.counts.keys()].filter((g) => this.rowTotal(g) > 0);
  }

  predLabels(): number[] {
    const s = new Set<number>();
    for (const row of this.counts.values()) for (const [p, c] of row) if (c > 0) s.add(p);
    return [...s];
  }

  private rowTotal(g: number): number {
    let t = 0;
    for (const c of this.counts.get(g)?.values() ?? []) t += c;
    return t;
  }

  /** Confusion counts of the target {label ∈ set} on both sides. */
  confusion(set: ReadonlySet<number>): Confusion {
    let tp = 0, fp = 0, fn = 0;
    for (const [g, row] of this.counts) {
      const gIn = set.has(g);
      for (const [p, c] of row) {
        const pIn = set.has(p);
        if (gIn && pIn) tp += c;
        else if (pIn) fp += c;
        else if (gIn) fn += c;
      }
    }
    return { tp, fp, fn, tn: this.total - tp - fp - fn };
  }
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

const DENSE = 256;

/** pred[from, to) as a view when it is a typed array (no copy), else as a copy. */
function subarrayOf(pred: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  const sub = (pred as { subarray?: (a: number, b: number) => ArrayLike<number> }).subarray;
  return sub ? sub.call(pred, from, to) : Array.prototype.slice.call(pred, from, to);
}
/**
 * A thread's dense count tables, reused from case to case (a thread's scratch holds one):
 * a fresh 256×256 table per case costs more than the counting itself on small 2D cases.
 * Only the touched corner (up to maxG, maxP) is read back and cleared. Left all zero
 * between histograms.
 */
export class PairTables {
  readonly dense = new Uint32Array(DENSE * DENSE);
  /** Four tables for countPairsBytes, folded into `dense` and zeroed by flushDense. */
  readonly dense4 = new Uint32Array(4 * DENSE * DENSE);
  dense4Used = false;
  maxG = -1;
  maxP = -1;
}

/** Adds the pairs (gt[offset + k], pred[k]) for k < len; small non-negative integer labels go to the dense table. */
function countPairs(h: JointHistogram, tables: PairTables, gt: ArrayLike<number>, offset: number, pred: ArrayLike<number>, len: number, ignore: number | null): void {
  if (gt instanceof Uint8Array && pred instanceof Uint8Array && ignore === null && (gt.byteOffset + offset) % 4 === 0 && pred.byteOffset % 4 === 0) {
    countPairsWords(h, tables, gt, offset, pred, len);
    return;
  }
  if (gt instanceof Uint8Array && (pred instanceof Uint8Array || pred instanceof Int32Array)) {
    countPairsBytes(h, tables, gt, offset, pred, len, ignore);
    return;
  }
  const dense = tables.dense;
  const ign = ignore ?? Number.NaN;
  let mg = tables.maxG;
  let mp = tables.maxP;
  for (let k = 0; k < len; k++) {
    const g = gt[offset + k];
    if (g === ign) continue;
    const p = pred[k];
    if (g >= 0 && g < DENSE && p >= 0 && p < DENSE && (g | 0) === g && (p | 0) === p) {
      dense[g * DENSE + p]++;
      if (g > mg) mg = g;
      if (p > mp) mp = p;
    } else h.add(g, p, 1);
  }
  tables.maxG = mg;
  tables.maxP = mp;
}

/**
 * countPairs for a uint8 ground truth (the usual label map) against integer labels: a
 * byte is always a dense row, so the only test left per voxel is whether the predicted
 * label fits a column (one unsigned compare, negatives included). Four voxels at a time
 * into four tables: a binary case increments the same few counters over and over, and
 * one table would make each increment wait for the one before.
 */
function countPairsBytes(h: JointHistogram, tables: PairTables, gt: Uint8Array, offset: number, pred: Uint8Array | Int32Array, len: number, ignore: number | null): void {
  const { dense, dense4 } = tables;
  // The OR of every label counted in a table bounds the largest one (max ≤ OR), so the
  // fold and the read-back visit only that corner: labels 0..3 read 4×4 cells, not 256×256.
  let orG = 0;
  let orP = 0;
  if (ignore !== null) {
    for (let k = 0; k < len; k++) {
      const g = gt[offset + k];
      if (g === ignore) continue;
      const p = pred[k];
      if (p >>> 0 < DENSE) {
        dense[(g << 8) | p]++;
        orG |= g;
        orP |= p;
      } else h.add(g, p, 1);
    }
  } else {
    const T = DENSE * DENSE;
    const end4 = len - (len & 3);
    let k = 0;
    for (; k < end4; k += 4) {
      const o = offset + k;
      const p0 = pred[k];
      const p1 = pred[k + 1];
      const p2 = pred[k + 2];
      const p3 = pred[k + 3];
      const ps = p0 | p1 | p2 | p3;
      // All four in [0, 256) exactly when their OR is (a negative sets the sign bit).
      if (ps >>> 0 < DENSE) {
        const g0 = gt[o];
        const g1 = gt[o + 1];
        const g2 = gt[o + 2];
        const g3 = gt[o + 3];
        dense4[(g0 << 8) | p0]++;
        dense4[T + ((g1 << 8) | p1)]++;
        dense4[2 * T + ((g2 << 8) | p2)]++;
        dense4[3 * T + ((g3 << 8) | p3)]++;
        orG |= g0 | g1 | g2 | g3;
        orP |= ps;
      } else for (let j = 0; j < 4; j++) addPair(h, tables, gt[o + j], pred[k + j]);
    }
    for (; k < len; k++) addPair(h, tables, gt[offset + k], pred[k]);
    tables.dense4Used = true;
  }
  tables.maxG = Math.max(tables.maxG, bitMask(orG));
  tables.maxP = Math.max(tables.maxP, bitMask(orP));
}

/**
 * countPairs for two byte label maps (a PNG, a uint8 NIfTI) four voxels to a word: where
 * both words are zero, as over most of a scan's background, the four (0, 0) pairs are one
 * count; other words go byte by byte into the four tables. Voxels past the last whole
 * word go to countPairsBytes.
 */
function countPairsWords(h: JointHistogram, tables: PairTables, gt: Uint8Array, offset: number, pred: Uint8Array, len: number): void {
  const { dense4 } = tables;
  const T = DENSE * DENSE;
  const words = len >> 2;
  // Int32 views: the same bits, and values V8 keeps as small integers (a uint32 above 2³¹ is not).
  const gw = new Int32Array(gt.buffer, gt.byteOffset + offset, words);
  const pw = new Int32Array(pred.buffer, pred.byteOffset, words);
  let zeros = 0;
  let orG = 0;
  let orP = 0;
  for (let w = 0; w < words; w++) {
    const a = gw[w];
    const b = pw[w];
    if ((a | b) === 0) {
      zeros++;
      continue;
    }
    // The same byte of each word is the same voxel, whichever the machine's byte order.
    dense4[((a & 0xff) << 8) | (b & 0xff)]++;
    dense4[T + (a & 0xff00) + ((b >>> 8) & 0xff)]++;
    dense4[2 * T + ((a >>> 8) & 0xff00) + ((b >>> 16) & 0xff)]++;
    dense4[3 * T + ((a >>> 16) & 0xff00) + (b >>> 24)]++;
    orG |= a;
    orP |= b;
  }
  tables.dense[0] += 4 * zeros;
  tables.dense4Used = true;
  // A byte's value is at most the OR of that byte over all words, so the OR of the four bytes bounds them all.
  tables.maxG = Math.max(tables.maxG, bitMask((orG | (orG >>> 8) | (orG >>> 16) | (orG >>> 24)) & 0xff));
  tables.maxP = Math.max(tables.maxP, bitMask((orP | (orP >>> 8) | (orP >>> 16) | (orP >>> 24)) & 0xff));
  if (len > 4 * words) countPairsBytes(h, tables, gt, offset + 4 * words, pred.subarray(4 * words), len - 4 * words, null);
}

/** One pair off the four-table path: into the dense table with the bounds raised to it when the label fits a column, else the map. */
function addPair(h: JointHistogram, tables: PairTables, g: number, p: number): void {
  if (p >>> 0 < DENSE) {
    tables.dense[(g << 8) | p]++;
    if (g > tables.maxG) tables.maxG = g;
    if (p > tables.maxP) tables.maxP = p;
  } else h.add(g, p, 1);
}

/** The smallest 2^k − 1 at or above x (x ≥ 0): every value whose bits are all in x is at most this. */
function bitMask(x: number): number {
  return x === 0 ? 0 : 0xffffffff >>> Math.clz32(x);
}

/** Adds the four tables into the dense one (once per histogram, not per chunk). */
function foldDense4(tables: PairTables): void {
  const { dense, dense4, maxG, maxP } = tables;
  const T = DENSE * DENSE;
  for (let g = 0; g <= maxG; g++) {
    for (let c = g * DENSE; c <= g * DENSE + maxP; c++) {
      const sum = dense4[c] + dense4[T + c] + dense4[2 * T + c] + dense4[3 * T + c];
      if (sum > 0) {
        dense[c] += sum;
        dense4[c] = dense4[T + c] = dense4[2 * T + c] = dense4[3 * T + c] = 0;
      }
    }
  }
  tables.dense4Used = false;
}

function flushDense(h: JointHistogram, tables: PairTables): JointHistogram {
  if (tables.dense4Used) foldDense4(tables);
  const { dense, maxG, maxP } = tables;
  for (let g = 0; g <= maxG; g++) {
    for (let p = 0; p <= maxP; p++) {
      const c = dense[g * DENSE + p];
      if (c > 0) {
        h.add(g, p, c);
        dense[g * DENSE + p] = 0;
      }
    }
  }
  tables.maxG = -1;
  tables.maxP = -1;
  return h;
}

/**
 * Counts (gt, pred) pairs. `ignore` (a gt value) drops voxels. Dense counting for the
 * usual small non-negative integer labels, with a Map fallback for anything else.
 */
export function jointHistogram(gt: ArrayLike<number>, pred: ArrayLike<number>, ignore: number | null, tables = new PairTables()): JointHistogram {
  const h = new JointHistogram();
  // In chunks, as every long pass (chunks.ts).
  for (let at = 0; at < gt.length; at += PASS_CHUNK) {
    const len = Math.min(PASS_CHUNK, gt.length - at);
    countPairs(h, tables, gt, at, subarrayOf(pred, at, at + len), len, ignore);
  }
  return flushDense(h, tables);
}

/**
 * jointHistogram of the ground truth against a prediction's hard labels, made chunk by
 * chunk (`labelsOf(start, end, out)` fills a chunk) so that no whole-volume label array
 * is needed when nothing else (surface metrics) wants one.
 */
export function jointHistogramChunked(
  gt: ArrayLike<number>,
  labelsOf: (start: number, end: number, out: Int32Array) => void,
  ignore: number | null,
  tables = new PairTables(),
  eachChunk?: (start: number, labels: Int32Array, count: number) => void,
): JointHistogram {
  const h = new JointHistogram();
  const CHUNK = 1 << 16;
  const buf = new Int32Array(CHUNK);
  for (let start = 0; start < gt.length; start += CHUNK) {
    const end = Math.min(gt.length, start + CHUNK);
    labelsOf(start, end, buf);
    countPairs(h, tables, gt, start, buf, end - start, ignore);
    // Another reader of the same chunk while it is in cache (the surface metrics' voxel list).
    eachChunk?.(start, buf, end - start);
  }
  return flushDense(h, tables);
}

/**
 * jointHistogram fed by the caller one chunk at a time (a prediction streamed from its
 * file): `add` each chunk's hard labels in voxel order, then `finish` once. The thread's
 * tables are left all zero by `finish`, so a caller that stops early must still call it.
 */
export class PairCounter {
  private readonly h = new JointHistogram();

  constructor(private readonly tables: PairTables, private readonly ignore: number | null) {}

  /** Adds the pairs (gt[offset + k], labels[k]) for k < len. */
  add(gt: ArrayLike<number>, offset: number, labels: Int32Array, len: number): void {
    countPairs(this.h, this.tables, gt, offset, labels, len, this.ignore);
  }

  finish(): JointHistogram {
    return flushDense(this.h, this.tables);
  }
}
