// The engine alone: read and pair one case with segloss's own readers (not timed), then
// time evaluateCase on the in-memory arrays. With "sync", the process prints "ready" once
// the arrays are loaded and starts the clock only when a line arrives on stdin, so the
// parent can start several engines at the same moment (one per core).
// Usage: node engine.mjs '{"gt":…, "pred":…, "options":{"metrics":"all"}, "sync":false, "threads":1}'
//   → one JSON line {seconds, voxels, elements, labels}
import { createInterface } from 'node:readline';

const { gt: gtPath, pred: predPath, options = {}, sync = false, threads = 1 } = JSON.parse(process.argv[2]);
const dist = new URL('../../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const [{ readArray }, { toGroundTruth, toPrediction }, { evaluateCase, ThreadScratch, SplitHelper }, { evalOptionsOf }, { toRunConfig }] = await Promise.all([
  load('io/index.js'),
  load('pipeline/volume.js'),
  load('losses/index.js'),
  load('pipeline/evaluateOne.js'),
  load('cli/parse.js'),
]);

const config = toRunConfig({ ...options, pred: predPath, gt: gtPath });
const [gtRaw, predRaw] = await Promise.all([readArray(gtPath, { maxVoxels: config.maxVoxels }), readArray(predPath, { maxVoxels: config.maxVoxels })]);
const gt = toGroundTruth(gtRaw, config.ignoreIndex);
const pred = toPrediction(predRaw, gt, gtPath, { input: config.input, ignoreIndex: config.ignoreIndex, npyAxes: config.npyAxes });
// threads > 1: the case is split over this thread and a helper, as eval does for a lone case.
const opts = evalOptionsOf(config);
const scratch = new ThreadScratch(threads > 1 ? SplitHelper.start() : null);

if (sync) {
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise((resolve) => rl.once('line', resolve));
  rl.close();
}
const t0 = performance.now();
const result = evaluateCase(gt, pred, opts, scratch);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, voxels: gt.data.length, elements: pred.data.length, input: pred.kind, labels: Object.keys(result.labels), dice: Object.fromEntries(Object.entries(result.labels).map(([k, v]) => [k, v.dice ?? null])) })}\n`,
);
