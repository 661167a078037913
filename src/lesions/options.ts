// Lesion-wise evaluation options (spec/lesions.md): what `--lesions [iou|overlap|brats2023]`
// and its companions resolve to. Pure: the CLI parses strings, this resolves the preset.

export type LesionMatch = 'iou' | 'overlap';
export type Connectivity = 'full' | 'face';
export type LesionMode = LesionMatch | 'brats2023';

export interface LesionOptions {
  /** What the user asked for (`--lesions` value); 'brats2023' is a preset of the others. */
  mode: LesionMode;
  match: LesionMatch;
  connectivity: Connectivity;
  /** IoU threshold T (`iou` matching): a pair is a candidate when IoU > T. */
  iou: number;
  /** K binary dilations of the ground truth for grouping and (overlap) matching. */
  dilation: number;
  /** A lesion is small when its volume (mm³; mm² in 2D) is ≤ this. */
  volumeThreshold: number;
  /** 'both': small gt and unmatched small pred lesions are ignored; 'gt': only small gt lesions. */
  small: 'both' | 'gt';
  /** HD95 of a missed or false lesion: mm, or the image diagonal. */
  hd95Penalty: number | 'diagonal';
}

/** The options a user may give explicitly; undefined = not given (the mode's default applies). */
export interface LesionOverrides {
  connectivity?: Connectivity;
  iou?: number;
  dilation?: number;
  volumeThreshold?: number;
  small?: 'both' | 'gt';
  hd95Penalty?: number | 'diagonal';
}

export const LESION_DEFAULTS: Omit<LesionOptions, 'mode' | 'match'> = {
  connectivity: 'full',
  iou: 0.5,
  dilation: 0,
  volumeThreshold: 0,
  small: 'both',
  hd95Penalty: 'diagonal',
};

/** The BraTS 2023 rules (BraTS-2023-Metrics, metrics.py); `--hd95 max` is set by the caller. */
export const BRATS2023: Omit<LesionOptions, 'mode' | 'iou'> = {
  match: 'overlap',
  connectivity: 'full',
  dilation: 3,
  volumeThreshold: 50,
  small: 'gt',
  hd95Penalty: 374,
};

/** The resolved options: the mode's defaults (or the preset), explicit options winning. */
export function resolveLesionOptions(mode: LesionMode, given: LesionOverrides): LesionOptions {
  const base: Omit<LesionOptions, 'mode'> =
    mode === 'brats2023' ? { ...LESION_DEFAULTS, ...BRATS2023 } : { ...LESION_DEFAULTS, match: mode };
  const out: LesionOptions = { mode, ...base };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** config.lesions of the report: snake_case, as the golden reports write it. */
export function lesionConfigBlock(o: LesionOptions): Record<string, unknown> {
  return {
    mode: o.mode,
    match: o.match,
    connectivity: o.connectivity,
    iou: o.iou,
    dilation: o.dilation,
    volume_threshold: o.volumeThreshold,
    small: o.small,
    hd95_penalty: o.hd95Penalty,
  };
}

/** The inverse of lesionConfigBlock (a report's config read back for merge/baseline); null when absent or malformed. */
export function lesionOptionsFromBlock(b: unknown): LesionOptions | null {
  if (!b || typeof b !== 'object') return null;
  const r = b as Record<string, unknown>;
  const mode = r.mode;
  if (mode !== 'iou' && mode !== 'overlap' && mode !== 'brats2023') return null;
  const o: LesionOptions = {
    mode,
    match: r.match === 'overlap' ? 'overlap' : 'iou',
    connectivity: r.connectivity === 'face' ? 'face' : 'full',
    iou: typeof r.iou === 'number' ? r.iou : LESION_DEFAULTS.iou,
    dilation: typeof r.dilation === 'number' ? r.dilation : 0,
    volumeThreshold: typeof r.volume_threshold === 'number' ? r.volume_threshold : 0,
    small: r.small === 'gt' ? 'gt' : 'both',
    hd95Penalty: typeof r.hd95_penalty === 'number' ? r.hd95_penalty : 'diagonal',
  };
  return o;
}
