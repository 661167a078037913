// Sums-only requests on a one-channel float .npy or NIfTI prediction: the prediction is
// evaluated chunk by chunk as it is read or inflated (io/floatChunks.ts into
// losses/producers/sumsOnlyChunks.ts), never held whole. What the whole-array road decides from the values (NaN/±Inf, the
// input kind) is decided here from the same scan, with the same messages (volume.ts
// floatKind); anything this road does not take (several channels, an axis order that is
// not the file's memory order, a map of 0s and 1s read as labels, a header the reader
// would refuse) goes the whole-array road, which reads the file again and says the same
// as before.
import { fileKindOf } from '../io/formats.js';
import { ChunkReadFailed, FLOAT_CHUNK_BYTES, readFloatChunks, type FloatChunkSource } from '../io/floatChunks.js';
import { readArray } from '../io/index.js';
import { probeFloatNifti } from '../io/niftiChunks.js';
import { probeFloatNpy } from '../io/npyChunks.js';
import { binaryForeground, type EvalOptions } from '../losses/evaluate.js';
import { AGREEMENT_METRICS, OVERLAP_METRICS } from '../losses/params.js';
import { PairTables } from '../losses/producers/confusion.js';
import { PROBABILITY_SUM_LOSSES } from '../losses/producers/probabilitySums.js';
import { SumsOnlyChunks, type Precounted } from '../losses/producers/sumsOnlyChunks.js';
import type { ClassInput } from '../losses/producers/voxelTerms.js';
import type { RawArray } from '../types.js';
import type { RunConfig } from './config.js';
import { countNonFinite, floatKind, layoutPrediction, scanFlags, spacingWarnings, type GroundTruth, type Prediction, type ValueScan } from './volume.js';

const COUNT_METRICS: ReadonlySet<string> = new Set([...OVERLAP_METRICS, ...AGREEMENT_METRICS]);
const STREAMED_FORMATS: ReadonlySet<string> = new Set(['npy', 'nifti']);

/**
 * Whether a case's prediction may be streamed: a .npy, .nii or .nii.gz, and every
 * requested quantity a function of the confusion counts and of the foreground's Σp, Σp·t
 * (no NLL, calibration, ranking, surface or lesion metric; no loss beyond
 * PROBABILITY_SUM_LOSSES), for one class of one channel (no regions, no background class).
 */
export function streamableRequest(c: RunConfig, predPath: string): boolean {
  return (
    STREAMED_FORMATS.has(fileKindOf(predPath)?.format ?? '') &&
    c.input !== 'labels' &&
    c.losses.every((l) => PROBABILITY_SUM_LOSSES.includes(l)) &&
    c.metrics.every((m) => COUNT_METRICS.has(m)) &&
    c.regions === null &&
    !c.includeBackground &&
    !(c.labels ?? []).includes(0) &&
    !c.lesions
  );
}

/** The prediction read whole, or for a streamable request on a float .npy or NIfTI its header alone. */
export async function readPredictionOrHeader(path: string, c: RunConfig, streamable: boolean): Promise<RawArray | FloatChunkSource> {
  const opts = { maxVoxels: c.maxVoxels };
  const probe = fileKindOf(path)?.format === 'npy' ? probeFloatNpy : probeFloatNifti;
  return (streamable ? await probe(path, opts) : null) ?? readArray(path, opts);
}

/** The prediction read whole: as read, or now when only its header was. */
export async function wholePrediction(read: RawArray | FloatChunkSource, c: RunConfig): Promise<RawArray> {
  return isChunkSource(read) ? readArray(read.path, { maxVoxels: c.maxVoxels }) : read;
}

function isChunkSource(read: RawArray | FloatChunkSource): read is FloatChunkSource {
  return 'plan' in read && 'raw' in read;
}

export interface StreamedPrediction {
  /** The file as readNpy describes it, without its values. */
  raw: RawArray;
  /** The prediction as toPrediction makes it, its `data` empty: the engine reads `precounted` instead. */
  pred: Prediction;
  precounted: Precounted;
}

/** This thread's chunk labels and count tables, lent to one stream at a time. */
let threadRoom: { labels: Int32Array; tables: PairTables } | null = null;
let roomLent = false;

function borrowRoom(): [{ labels: Int32Array; tables: PairTables }, () => void] {
  const fresh = () => ({ labels: new Int32Array(FLOAT_CHUNK_BYTES / 4), tables: new PairTables() });
  if (roomLent) return [fresh(), () => {}];
  threadRoom ??= fresh();
  roomLent = true;
  return [threadRoom, () => (roomLent = false)];
}

/** Thrown by a pass to start over with the values read as logits. */
class ReadAsLogits {}

/**
 * Streams `read` (when it is a chunk source whose layout fits) through the sums-only pass;
 * null when the whole-array road must take the case. Throws the InputErrors toPrediction
 * would (NaN/±Inf, probabilities outside [0, 1]) and the reader's (a file that changed).
 */
export async function streamPrediction(
  read: RawArray | FloatChunkSource,
  gt: GroundTruth,
  gtPath: string,
  c: RunConfig,
  opts: EvalOptions,
): Promise<StreamedPrediction | null> {
  if (!isChunkSource(read)) return null;
  let npyAxes: Prediction['npyAxes'];
  try {
    // toPrediction's layout on a zero-length array: it is streamable when the layout is the file's own memory order (no copy).
    const lay = layoutPrediction(read.raw, gt, gtPath, c.npyAxes);
    if (lay.channels !== 1 || lay.data !== read.raw.data) return null;
    npyAxes = lay.npyAxes;
  } catch {
    return null; // a shape the whole-array road refuses, in its words
  }
  // --input auto reads the values as probabilities until one lies outside [0, 1].
  let input: ClassInput = c.input === 'logits' ? 'logits' : 'probs';
  const fg = binaryForeground(opts);
  const [room, giveBack] = borrowRoom();
  try {
    for (;;) {
      const s: ValueScan = { nonFinite: 0, allBinary: true, inUnit: true, allInteger: true };
      let pass = new SumsOnlyChunks(gt.data, { input, foreground: fg, threshold: c.threshold, ignoreIndex: c.ignoreIndex }, room.tables, room.labels);
      try {
        await readFloatChunks(read, (v) => {
          let i = 0;
          if (s.inUnit || s.allInteger) i = scanFlags(v, s, 0, v.length);
          if (i < v.length) s.nonFinite += countNonFinite(v, i, v.length);
          if (input === 'probs' && c.input === 'auto' && !s.inUnit) {
            if (pass.voxels > 0) throw new ReadAsLogits();
            pass.finish();
            input = 'logits';
            pass = new SumsOnlyChunks(gt.data, { input, foreground: fg, threshold: c.threshold, ignoreIndex: c.ignoreIndex }, room.tables, room.labels);
          }
          pass.add(v);
        });
      } catch (e) {
        if (e instanceof ReadAsLogits) {
          input = 'logits';
          continue;
        }
        // A file that changed since its header was read, a damaged stream: the whole-file reader words it.
        if (e instanceof ChunkReadFailed) return null;
        throw e;
      } finally {
        // Clears the thread's count tables whatever happened.
        pass.finish();
      }
      const kind = floatKind(read.path, s, c.input, 1);
      // A map of 0s and 1s read as labels: the label-map road.
      if (kind === 'labels') return null;
      if (kind !== input) throw new Error(`streamed pass read the values as ${input}, the scan says ${kind}`);
      const pred: Prediction = { data: read.raw.data, dims: gt.dims, channels: 1, spacing: gt.spacing, kind, integer: false, npyAxes, warnings: spacingWarnings(read.raw, gt) };
      return { raw: read.raw, pred, precounted: pass.finish() };
    }
  } finally {
    giveBack();
  }
}
