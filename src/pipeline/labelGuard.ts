// A bound on how many labels one file may bring into a run whose labels are discovered
// (no --labels, no --regions). Every distinct value of a label map becomes a label of the
// run, evaluated and reported for every case; a noise volume or a mis-read float map can
// hold hundreds of thousands of values, which would make the engine quadratic and the
// report gigabytes. Such a file is an error for its case, with a hint, not a hang.
import { InputError, type NumericArray } from '../types.js';

/** More distinct non-zero labels than this in one file is not a label map we evaluate unasked. */
export const MAX_DISCOVERED_LABELS = 1000;

/** Distinct non-zero values in `data`, counted up to `limit + 1` (then it stops looking). */
export function countLabelsUpTo(data: NumericArray, limit: number): number {
  // 8-bit data holds at most 255 non-zero values.
  if ((data instanceof Uint8Array || data instanceof Int8Array) && limit >= 255) return 0;
  const small = new Uint8Array(1 << 16);
  let other: Set<number> | null = null;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === 0) continue;
    if (v > 0 && v < 65536 && (v | 0) === v) {
      if (small[v]) continue;
      small[v] = 1;
    } else {
      other ??= new Set();
      if (other.has(v)) continue;
      other.add(v);
    }
    if (++count > limit) break;
  }
  return count;
}

/** Throw for a label map holding more than MAX_DISCOVERED_LABELS labels. */
export function checkDiscoveredLabels(data: NumericArray, path: string, what: 'ground truth' | 'prediction'): void {
  if (countLabelsUpTo(data, MAX_DISCOVERED_LABELS) <= MAX_DISCOVERED_LABELS) return;
  const hint = what === 'prediction' ? '; if it holds probabilities or logits, use --input probs or --input logits' : '';
  throw new InputError(
    path,
    `${what} holds more than ${MAX_DISCOVERED_LABELS} distinct labels, too many to evaluate each one; name the labels with --labels${hint}`,
  );
}

/** The same bound for a probability map, whose channels 1..C−1 become the run's labels. */
export function checkDiscoveredChannels(channels: number, path: string): void {
  if (channels - 1 <= MAX_DISCOVERED_LABELS) return;
  throw new InputError(
    path,
    `prediction has ${channels} channels, more than ${MAX_DISCOVERED_LABELS + 1}: too many labels to evaluate each one; name the labels with --labels (or check the axis order)`,
  );
}
