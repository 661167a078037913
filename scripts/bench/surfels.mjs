// W4 with --surface surfels against the voxel path, in one process on the same arrays:
// the surface stage alone (surfaceMetrics over the 10 labels) and the whole engine
// (evaluateCase with --metrics all). Each path is warmed once, then the two alternate
// `reps` times (so a load spike from other processes hits both alike); medians.
// Usage: node surfels.mjs '{"gt":…, "pred":…, "reps":3}' → one JSON line
const { gt: gtPath, pred: predPath, reps = 3 } = JSON.parse(process.argv[2]);
const dist = new URL('../../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const [{ readArray }, { toGroundTruth, toPrediction }, { evaluateCase }, { evalOptionsOf }, { toRunConfig }, { surfaceMetrics }] = await Promise.all([
  load('io/index.js'),
  load('pipeline/volume.js'),
  load('losses/evaluate.js'),
  load('pipeline/evaluateOne.js'),
  load('cli/parse.js'),
  load('losses/surface/surface.js'),
]);

const config = (surface) => toRunConfig({ metrics: 'all', surface, pred: predPath, gt: gtPath });
const base = config('voxels');
const [gtRaw, predRaw] = await Promise.all([readArray(gtPath, { maxVoxels: base.maxVoxels }), readArray(predPath, { maxVoxels: base.maxVoxels })]);
const gt = toGroundTruth(gtRaw, null);
const pred = toPrediction(predRaw, gt, gtPath, { input: base.input, ignoreIndex: null, npyAxes: null });
const spacing = gt.spacing ?? gt.dims.map(() => 1);
const targets = Array.from({ length: 10 }, (_, k) => [k + 1]);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const seconds = (fn) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};

const runs = {};
for (const surface of ['voxels', 'surfels']) {
  const sw = config(surface).switches;
  const opts = { hd95: surface === 'surfels' ? 'max' : 'union', nsdTolerance: 1, assd: sw.assd, nsd: sw.nsd, surface };
  const evalOpts = evalOptionsOf(config(surface));
  runs[surface] = {
    stage: () => surfaceMetrics(pred.data, gt.data, gt.dims, spacing, targets, opts),
    engine: () => evaluateCase(gt, pred, evalOpts),
  };
}
const times = { stage_voxels_s: [], stage_surfels_s: [], engine_voxels_s: [], engine_surfels_s: [] };
for (const part of ['stage', 'engine']) {
  for (const surface of ['voxels', 'surfels']) runs[surface][part](); // warm-up
  for (let r = 0; r < reps; r++) {
    for (const surface of r % 2 ? ['surfels', 'voxels'] : ['voxels', 'surfels']) times[`${part}_${surface}_s`].push(seconds(runs[surface][part]));
  }
}
const out = { voxels: gt.data.length, reps };
for (const [k, v] of Object.entries(times)) out[k] = median(v);
process.stdout.write(`${JSON.stringify(out)}\n`);
