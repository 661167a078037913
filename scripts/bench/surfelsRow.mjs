// W4S rows and target: --surface surfels on W4 costs at most 1.5× the voxel path.
const fmt = (s) => (s == null ? '–' : s.toFixed(2));

export async function surfelsRows(w, nodeJson, addRow, log) {
  log('W4S: surface stage and engine, --surface voxels vs surfels, median of 3');
  let r;
  try {
    r = await nodeJson('surfels.mjs', { gt: w.gt, pred: w.pred, reps: 3 });
  } catch (e) {
    return { problem: e.message };
  }
  addRow('W4S', 'surface stage, 10 labels, voxels', r.voxels, r.stage_voxels_s, null, null);
  addRow('W4S', 'surface stage, 10 labels, surfels', r.voxels, r.stage_surfels_s, null, null);
  addRow('W4S', 'engine --metrics all, voxels', r.voxels, r.engine_voxels_s, null, null);
  addRow('W4S', 'engine --metrics all, surfels', r.voxels, r.engine_surfels_s, null, null);
  return r;
}

export function surfelsTarget(r, target) {
  const name = 'W4S --surface surfels ≤ 1.5× the voxel path (engine, --metrics all)';
  if (r.problem) return target(name, null, 1.5, null, `not measured: ${r.problem}`);
  const x = r.engine_surfels_s / r.engine_voxels_s;
  const stage = r.stage_surfels_s / r.stage_voxels_s;
  target(
    name,
    x,
    1.5,
    x <= 1.5,
    `${x.toFixed(2)}× (${fmt(r.engine_surfels_s)} s vs ${fmt(r.engine_voxels_s)} s; surface stage alone ${stage.toFixed(2)}×: ${fmt(r.stage_surfels_s)} s vs ${fmt(r.stage_voxels_s)} s)`,
    'the corner grid is the crop plus one per axis and every surface element is sorted with its area for the percentile',
  );
}
