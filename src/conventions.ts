// `--convention NAME`: the options that make segloss reproduce another tool's numbers
// (spec/conventions.md, "Conventions"), as option values the command line would give.
// An option given explicitly (command line or --config file) wins over the bundle.

export const CONVENTION_NAMES = ['nnunet', 'monai', 'metricsreloaded', 'medpy', 'deepmind', 'panoptica', 'smp'] as const;
export type ConventionName = 'segloss' | (typeof CONVENTION_NAMES)[number];

/** Option values keyed as commander names them (camelCase). */
export const CONVENTIONS: Readonly<Record<ConventionName, Readonly<Record<string, string | boolean>>>> = {
  segloss: {},
  // nnU-Net v2 evaluate_predictions: NaN Dice/IoU for an empty pair.
  nnunet: { empty: 'nan' },
  // MONAI 1.x DiceMetric/MeanIoU(ignore_empty=True), HausdorffDistanceMetric(percentile=95),
  // SurfaceDistanceMetric(symmetric=True), SurfaceDiceMetric, FocalLoss(softmax, alpha=None).
  monai: {
    empty: 'nan',
    emptyGt: 'nan',
    surfaceEmptyOne: 'hd=inf,hd95=null,assd=inf,nsd=0',
    surfaceEmptyPair: 'null',
    hd95: 'max',
    assd: 'pooled',
    nsd: 'pooled',
    focalMulticlass: 'categorical',
    focalMode: 'constant',
    focalAlpha: '1',
  },
  // MetricsReloaded BinaryPairwiseMeasures.
  metricsreloaded: {
    empty: 'one',
    emptyIou: 'nan',
    surfaceEmptyOne: 'hd=null,hd95=null,assd=null,nsd=0',
    surfaceEmptyPair: 'hd=0,hd95=0,assd=0,nsd=1',
    hd95: 'max',
    assd: 'pooled',
    nsd: 'pooled',
  },
  // MedPy ≥ 0.5.2 metric.binary.hd95 / assd.
  medpy: { hd95: 'union', assd: 'pooled' },
  // deepmind/surface-distance compute_surface_distances and its metrics.
  deepmind: {
    surface: 'surfels',
    hd95: 'max',
    assd: 'mean',
    empty: 'nan',
    surfaceEmptyOne: 'hd=inf,hd95=inf,assd=null,nsd=0',
    surfaceEmptyPair: 'hd=inf,hd95=inf,assd=null,nsd=null',
  },
  // panoptica's instance metrics on a semantic pair.
  panoptica: { hd95: 'union', assd: 'mean', nsd: 'mean', nsdTolerance: 'min-spacing' },
  // segmentation_models_pytorch losses (batch size 1).
  smp: { smooth: '0', absentClassLoss: 'zero', includeBackground: 'multichannel' },
};

/** The convention's options under the explicit ones; `--surface surfels` implies `--hd95 max` unless given. */
export function withConvention(o: Record<string, unknown>, name: ConventionName): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...CONVENTIONS[name] };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) merged[k] = v;
  if (merged.surface === 'surfels' && merged.hd95 === undefined) merged.hd95 = 'max';
  return merged;
}
