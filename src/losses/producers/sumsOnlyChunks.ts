// A one-channel float prediction taken chunk by chunk, in voxel order, as its file is
// read (the pipeline streams a .npy through here): the joint histogram of the hard labels
// and the foreground class's n, st, Σp, Σp·t, for requests that need nothing else
// (PROBABILITY_SUM_LOSSES and the count-based metrics). The hard labels are hardLabeller's
// cut, the sums addProbabilitySums' additions in the same order, so every count and every
// sum is bit for bit the one the whole-array engine makes on one thread (a streamed case
// is never split: pipeline/evaluateOne.ts).
import { emptySums, type ClassSums } from '../formulas/sums.js';
import { PairCounter, type JointHistogram, type PairTables } from './confusion.js';
import { cutOf } from './prediction.js';
import { logisticOf, type ClassInput } from './voxelTerms.js';

/** What the engine takes instead of a prediction's values (evaluateCase's `precounted`). */
export interface Precounted {
  hist: JointHistogram;
  /** The sums of the class of `label`: the foreground, or a label the one channel gives p = 0. */
  classSums(label: number): ClassSums;
}

export interface SumsOnlyOptions {
  /** How the values read: p = sigmoid(z) ('logits') or p = the value ('probs'). */
  input: ClassInput;
  /** The label a p ≥ threshold voxel stands for (binaryForeground). */
  foreground: number;
  threshold: number;
  ignoreIndex: number | null;
}

/** A chunk's values as the file holds them. */
export type ValueChunk = Float32Array | Float64Array;

export class SumsOnlyChunks {
  private readonly counter: PairCounter;
  /** Σp, Σp·t, voxels with t = 0, with t = 1 (as ProbabilitySums). */
  private readonly sums = new Float64Array(4);
  private readonly cut: number;
  private at = 0;
  private finished: JointHistogram | null = null;

  /**
   * @param gt the ground truth's label map, whole, in the engine's voxel order
   * @param tables this thread's count tables (left all zero again by finish)
   * @param labels room for one chunk's hard labels, reused
   */
  constructor(
    private readonly gt: ArrayLike<number>,
    private readonly o: SumsOnlyOptions,
    tables: PairTables,
    private readonly labels: Int32Array,
  ) {
    this.counter = new PairCounter(tables, o.ignoreIndex);
    this.cut = cutOf(o.input, o.threshold);
  }

  /** Voxels taken so far. */
  get voxels(): number {
    return this.at;
  }

  /** The next chunk of values, voxels [voxels, voxels + v.length); at most `labels.length` of them. */
  add(v: ValueChunk): void {
    const len = v.length;
    if (len > this.labels.length) throw new RangeError(`chunk of ${len} values, room for ${this.labels.length}`);
    if (this.at + len > this.gt.length) throw new RangeError(`chunk past the ground truth's ${this.gt.length} voxels`);
    const fg = this.o.foreground;
    const cut = this.cut;
    const out = this.labels;
    for (let k = 0; k < len; k++) out[k] = v[k] >= cut ? fg : 0;
    this.counter.add(this.gt, this.at, out, len);
    this.addSums(this.sums, v, len);
    this.at += len;
  }

  /** addProbabilitySums over the chunk's first `len` values, the truth code read straight from the label map. */
  private addSums(acc: Float64Array, v: ValueChunk, len: number): void {
    const logits = this.o.input === 'logits';
    const gt = this.gt;
    const base = this.at;
    const fg = this.o.foreground;
    const ign = this.o.ignoreIndex ?? Number.NaN;
    let sp = acc[0];
    let spt = acc[1];
    let n0 = acc[2];
    let n1 = acc[3];
    for (let k = 0; k < len; k++) {
      // truthCodes: ignored before inside, so an ignored foreground label is ignored.
      const g = gt[base + k];
      if (g === ign) continue;
      const x = v[k];
      const p = logits ? logisticOf(x) : x;
      sp += p;
      if (g === fg) {
        spt += p;
        n1++;
      } else n0++;
    }
    acc[0] = sp;
    acc[1] = spt;
    acc[2] = n0;
    acc[3] = n1;
  }

  /**
   * The counts and sums of the voxels taken (every voxel of the case, for a result the
   * engine can use). Always call it, also after a failed read: it clears the thread's tables.
   */
  finish(): Precounted {
    const hist = (this.finished ??= this.counter.finish());
    const a = this.sums;
    const fgSums: ClassSums = { ...emptySums(a[2] + a[3]), st: a[3], sp: a[0], spt: a[1] };
    const fg = this.o.foreground;
    return {
      hist,
      classSums(label: number): ClassSums {
        if (label === fg) return fgSums;
        // The background's p is 1 − p: not counted here (the pipeline streams no such request).
        if (label === 0) throw new Error('the background class was not counted by the streamed pass');
        // A label the one channel does not stand for: p = 0 at every voxel, so Σp = Σp·t = 0.
        const c = hist.confusion(new Set([label]));
        return { ...emptySums(fgSums.n), st: c.tp + c.fn };
      },
    };
  }
}
