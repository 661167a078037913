// Decisions the reading and pairing made that are legitimate but may not be what the user
// meant: each becomes a warning on the case, with what to do if the guess was wrong.
// Pure: looks only at what the readers and the engine already produced.
import type { RawArray } from '../types.js';

export interface GuessInputs {
  gtRaw: RawArray;
  predRaw: RawArray;
  /** The ground-truth labels after the binary-PNG rule (what was evaluated). */
  gtData: RawArray['data'];
  predKind: 'labels' | 'probs' | 'logits';
  predChannels: number;
  /** The prediction's label data after the binary-PNG rule (label maps only). */
  predData: RawArray['data'] | null;
  gtLabels: number[];
  predLabels: number[];
  /** Effective options. */
  spacing: number[] | null;
  ignoreIndex: number | null;
  explicitTargets: boolean;
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);
const list = (xs: number[], n = 6) => (xs.length > n ? `${xs.slice(0, n).join(', ')}, …` : xs.join(', '));

export function guessWarnings(g: GuessInputs): string[] {
  const out: string[] = [];
  const fg = g.gtLabels.filter((l) => l !== 0);

  // One foreground probability against several labels: only label 1 can be scored.
  if (g.predKind !== 'labels' && g.predChannels === 1 && fg.length > 1 && !g.explicitTargets) {
    out.push(
      `one-channel ${g.predKind === 'probs' ? 'probability map' : 'logit map'} against a ground truth with labels ${list(fg)}: it is scored as label 1 only; ` +
        'give one channel per class (C, …) or name the label with --labels',
    );
  }

  // 255 beside small labels is usually an "ignore" or "boundary" value (VOC, Cityscapes-style maps).
  const sorted = [...fg].sort((a, b) => a - b);
  if (sorted.length >= 2 && sorted[sorted.length - 1] === 255 && sorted[sorted.length - 2] < 128 && g.ignoreIndex !== 255) {
    out.push(`ground truth holds 255 beside small labels (${list(sorted.slice(0, -1))}): if 255 marks voxels to leave out, use --ignore-index 255`);
  }

  // --spacing wins over a header that has its own.
  const header = g.gtRaw.format === 'nifti' ? g.gtRaw.spacing : null;
  if (g.spacing && header && g.spacing.some((s, k) => header[k] !== undefined && Math.abs(header[k] - s) > 1e-6 * Math.abs(s))) {
    out.push(`--spacing ${g.spacing.map(fmt).join(',')} overrides the ground truth's header spacing ${header.slice(0, g.spacing.length).map(fmt).join(',')}`);
  }

  // A 0/255 mask against a prediction with a few greys: anti-aliased edges read as labels.
  const png = g.gtRaw.png;
  const gtWasBinaryPng = png && !png.palette && g.gtData !== g.gtRaw.data;
  const predPng = g.predRaw.png;
  if (gtWasBinaryPng && g.predKind === 'labels' && predPng && !predPng.palette && g.predData === g.predRaw.data) {
    const greys = g.predLabels.filter((l) => l !== 0 && l !== predPng.maxValue);
    if (greys.length > 0 && g.predLabels.includes(predPng.maxValue)) {
      out.push(
        `ground truth is a 0/${png.maxValue} mask but the prediction holds ${greys.length} other grey value${greys.length > 1 ? 's' : ''} (${list(greys)}) beside 0/${predPng.maxValue}, ` +
          'anti-aliased edges? threshold it to 0/255, or read it as a probability map with --input probs',
      );
    }
  }
  return out;
}
