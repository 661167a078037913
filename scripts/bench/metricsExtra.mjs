// Bench row W2M: what the probability and agreement metrics (metrics-extra.md) cost on W2
// (float32 logits, one channel): the default run against `--metrics all` (which also adds
// the surface metrics) and against the default metrics plus only the new ones. Target:
// `--metrics all` within 1.25× the default run — AUROC/AP and the calibration sums read the
// groups the Lovász terms sort, in one walk over their tie groups. Each run's CPU seconds
// (user + system, from /usr/bin/time) are recorded beside its wall time: on a shared
// machine the wall clock mostly measures the neighbours.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './workloads.mjs';

const DEFAULT_METRICS = 'dice,iou,precision,recall,specificity,tp,fp,fn,tn,gt_voxels,pred_voxels,gt_volume_ml,pred_volume_ml';
const NEW_METRICS = 'brier,nll,ece,auroc,ap,mcc,kappa,balanced_accuracy,f2,rvd,avd';
const TIME = '/usr/bin/time';

/** One `segloss eval` as a child process: wall and CPU seconds, peak RSS, and a check of its report. */
function timedEval(bin, dir, tag, gt, pred, flags) {
  const out = join(dir, `${tag}.json`);
  const stats = join(dir, `${tag}.time`);
  const argv = [bin, 'eval', '--pred', pred, '--gt', gt, ...flags, '--format', 'json', '--quiet'];
  const haveTime = existsSync(TIME);
  return new Promise((resolve) => {
    const fd = openSync(out, 'w');
    const t0 = performance.now();
    const child = haveTime
      ? spawn(TIME, ['-f', '%U %S %M', '-o', stats, process.execPath, ...argv], { stdio: ['ignore', fd, 'pipe'] })
      : spawn(process.execPath, argv, { stdio: ['ignore', fd, 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('close', (status) => {
      closeSync(fd);
      const r = { run: tag, flags, seconds: (performance.now() - t0) / 1000, cpu_seconds: null, rss_bytes: null, exit: status, problem: null };
      if (haveTime) {
        const [u, s, kib] = readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        r.cpu_seconds = u + s;
        r.rss_bytes = kib * 1024;
      }
      try {
        const rep = JSON.parse(readFileSync(out, 'utf8'));
        if (rep.summary.ok !== 1) r.problem = `${rep.summary.ok}/1 cases ok`;
      } catch (e) {
        r.problem = `exit ${status}: ${err.trim().split('\n').slice(-2).join(' | ') || e.message}`;
      }
      rmSync(out, { force: true });
      resolve(r);
    });
  });
}

/**
 * @param ctx the bench's work folder, --quick, the CLI path and its logger
 * @returns W2's description and the three runs
 */
export async function benchMetricsExtra({ work, quick, bin, log }) {
  const dir = join(work, 'W2M');
  mkdirSync(dir, { recursive: true });
  const { W2: w } = await generate(dir, ['W2'], quick, (s) => log(`generate W2M: ${s}`));
  const runs = {};
  const plan = [
    ['default', 'CLI, logits .nii.gz, default metrics', []],
    ['all', 'CLI, logits .nii.gz, --metrics all', ['--metrics', 'all']],
    ['extra', 'CLI, logits .nii.gz, default + the 11 new metrics', ['--metrics', `${DEFAULT_METRICS},${NEW_METRICS}`]],
  ];
  for (const [key, label, flags] of plan) {
    log(`W2M: segloss eval ${flags.join(' ')} --workers 2`);
    runs[key] = await timedEval(bin, dir, key, w.gt, w.predNii, [...flags, '--workers', '2']);
    runs[key].run = label;
  }
  return { ...w, cli: runs };
}

/** Table rows and the target line from benchMetricsExtra's result. */
export function metricsExtraReport(r, { runRow, target, fmtX, fmtS }) {
  const cpu = (x) => (x.cpu_seconds == null ? '' : `CPU ${fmtS(x.cpu_seconds)} s`);
  for (const k of ['default', 'all', 'extra']) runRow('W2M', r.cli[k], r.voxels, null, r.cli[k].problem ? '' : cpu(r.cli[k]));
  const name = 'W2M --metrics all ≤ 1.25× the default run';
  const { default: d, all: a, extra: e } = r.cli;
  if (a.problem || d.problem) return target(name, null, 1.25, null, 'not measured');
  // The cost is CPU time where it was measured (the wall clock of a shared machine is noise).
  const by = (x) => x.cpu_seconds ?? x.seconds;
  const x = by(a) / by(d);
  const xe = e.problem ? null : by(e) / by(d);
  target(
    name, x, 1.25, x <= 1.25,
    `${fmtX(x)} in ${d.cpu_seconds == null ? 'wall' : 'CPU'} seconds (${fmtS(by(a))} s vs ${fmtS(by(d))} s; wall ${fmtX(a.seconds / d.seconds)}); default + only the 11 new metrics: ${fmtX(xe)}`,
    '--metrics all also adds hd, hd95, assd and nsd (a whole-volume hard mask and distance transforms); the new metrics alone are the last ratio',
  );
}
