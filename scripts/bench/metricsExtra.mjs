// Bench row W2M: what the probability and agreement metrics (metrics-extra.md) cost on W2
// (float32 logits, one channel): the default run against `--metrics all` (which also adds
// the surface metrics) and against the default metrics plus only the new ones. Target:
// `--metrics all` within 1.25× the default run — AUROC/AP reuse the groups the Lovász terms
// sort, so the new metrics add one calibration pass and one walk over the sorted runs.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { generate } from './workloads.mjs';

const DEFAULT_METRICS = 'dice,iou,precision,recall,specificity,tp,fp,fn,tn,gt_voxels,pred_voxels,gt_volume_ml,pred_volume_ml';
const NEW_METRICS = 'brier,nll,ece,auroc,ap,mcc,kappa,balanced_accuracy,f2,rvd,avd';

/**
 * @param ctx the bench's helpers: work (temp folder), quick, cli, engine, log
 * @returns the runs and engine timings, for the table and the target
 */
export async function benchMetricsExtra({ work, quick, cli, engine, log }) {
  const dir = join(work, 'W2M');
  mkdirSync(dir, { recursive: true });
  const { W2: w } = await generate(dir, ['W2'], quick, (s) => log(`generate W2M: ${s}`));
  const flags = {
    default: [],
    all: ['--metrics', 'all'],
    extra: ['--metrics', `${DEFAULT_METRICS},${NEW_METRICS}`],
  };
  const runs = {};
  for (const [k, f] of Object.entries(flags)) {
    const r = await cli('W2M', w.gt, w.predNii, [...f, '--workers', '2'], 1);
    r.run = `CLI, logits .nii.gz, ${k === 'default' ? 'default metrics' : k === 'all' ? '--metrics all' : 'default + the 11 new metrics'}`;
    runs[k] = r;
  }
  const engines = {
    default: await engine('W2M', w.gt, w.predNii, {}),
    all: await engine('W2M', w.gt, w.predNii, { metrics: 'all' }),
    extra: await engine('W2M', w.gt, w.predNii, { metrics: `${DEFAULT_METRICS},${NEW_METRICS}` }),
  };
  return { ...w, cli: runs, engine: engines };
}

/** Table rows and the target line from benchMetricsExtra's result. */
export function metricsExtraReport(r, { runRow, engineRow, target, fmtX, fmtS }) {
  for (const k of ['default', 'all', 'extra']) runRow('W2M', r.cli[k], r.voxels, null);
  for (const k of ['default', 'all', 'extra']) engineRow('W2M', `engine alone, 1 thread, ${k} metrics`, r.engine[k], r.voxels, null);
  const name = 'W2M --metrics all ≤ 1.25× the default run';
  const a = r.cli.all;
  const d = r.cli.default;
  if (a.problem || d.problem) return target(name, null, 1.25, null, 'not measured');
  const x = a.seconds / d.seconds;
  const e = r.cli.extra.problem ? null : r.cli.extra.seconds / d.seconds;
  target(name, x, 1.25, x <= 1.25, `${fmtX(x)} (${fmtS(a.seconds)} s vs ${fmtS(d.seconds)} s; default + only the new metrics: ${fmtX(e)})`,
    '--metrics all also adds hd, hd95, assd and nsd (a whole-volume hard mask and distance transforms); the new metrics alone are the third run');
}
