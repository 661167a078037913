#!/usr/bin/env node
// `npm run bench`: end-to-end speed and memory of `segloss eval` on generated workloads,
// against the floors of the same run (read+inflate with node:zlib, one plain summing pass).
//
//   W1  512×512×300 binary uint8 label maps, .nii.gz gt and prediction; default set
//   W2  the same gt, float32 logits as .nii.gz and as .npy; default losses (Lovász too) and
//       --losses dice; PyTorch end to end on the same files when python3 imports torch
//   W3  256×256×128, 5-channel float32 softmax in a deflated .npz; default set
//   W4  W1's volume with 10 labels, --metrics all (hd, hd95, assd, nsd)
//   W4S W4 with --surface surfels against the voxel path (engine, same arrays)
//   W5  3000 cases (2980 PNG pairs 512×512 + 20 small volumes); cases/s with --workers 1 and 2,
//       and the floor on one thread and on two: the most two threads gain on this machine
//   S1  `compare` of two 1000-case reports with 50 quantities (statistics, bootstrap CIs)
//   L1, L5  --lesions on W1 with hundreds of lesions and on W5's PNGs (scripts/bench/lesions.mjs)
//   HTML  W5's 300 PNG pairs, --metrics all, with and without --out report.html (bench/html.mjs)
//   W2M W2 with --metrics all (and the new metrics alone) vs the default metrics (bench/metricsExtra.mjs)
//   W1F W1's label maps as .nii.gz, .mha (zlib) and .nrrd (gzip): the readers side by side
//
// Flags: --only W1,W3   --quick (small shapes, a smoke run)   --json PATH [bench-results.json]
//        --keep (keep the generated files)   --tmp DIR (where the temp folder goes)
// Workloads are generated at run time in a temp folder (deleted afterwards); every CLI run
// is a child process `node bin/segloss.js eval … --format json --quiet`, timed wall-clock,
// with its peak RSS from /usr/bin/time (else a --import hook). Not a test: the full run
// takes several minutes on 2 cores.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './bench/workloads.mjs';
import { generateCompareStats } from './bench/compare-stats.mjs';
import { surfelsRows, surfelsTarget } from './bench/surfelsRow.mjs';
import { LESION_WORKLOADS, lesionBench } from './bench/lesions.mjs';
import { benchMetricsExtra, metricsExtraReport } from './bench/metricsExtra.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'segloss.js');
/** W5's batch in the full run: a batch long enough to pay back each worker's start-up. */
const W5_CASES = 3000;
const ALL = ['W1', 'W2', 'W3', 'W4', 'W5', 'W2M', 'W4S', 'S1', ...LESION_WORKLOADS, 'W1F', 'HTML'];

// ---- arguments ------------------------------------------------------------------------
function parseArgs(argv) {
  const a = { only: ALL, quick: false, json: join(ROOT, 'bench-results.json'), keep: false, tmp: tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${k} needs a value`);
      return v;
    };
    if (k === '--only') {
      a.only = value().split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const bad = a.only.filter((w) => !ALL.includes(w));
      if (bad.length || a.only.length === 0) usage(`--only: unknown workload ${bad.join(', ') || '(none)'}; known: ${ALL.join(',')}`);
    } else if (k === '--quick') a.quick = true;
    else if (k === '--json') a.json = resolve(value());
    else if (k === '--keep') a.keep = true;
    else if (k === '--tmp') a.tmp = resolve(value());
    else if (k === '--help' || k === '-h') usage(null);
    else usage(`unknown option ${k}`);
  }
  return a;
}

function usage(problem) {
  const text = 'usage: node scripts/bench.mjs [--only W1,W2,W3,W4,W5,W2M,W4S,S1,L1,L5,W1F,HTML] [--quick] [--json PATH] [--keep] [--tmp DIR]\n';
  if (problem) process.stderr.write(`bench: ${problem}\n${text}`);
  else process.stdout.write(text);
  process.exit(problem ? 2 : 0);
}

const args = parseArgs(process.argv.slice(2));
const log = (s) => process.stderr.write(`[bench] ${s}\n`);

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run bench` (it builds first) or `npx tsc -p tsconfig.json`\n');
  process.exit(2);
}

// ---- child processes --------------------------------------------------------------------
const children = new Set();
let work = null;

function cleanup() {
  for (const c of children) {
    try {
      c.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (work && !args.keep) rmSync(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, removing ${work ?? 'nothing'}\n`);
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

const TIME = '/usr/bin/time';
const haveTime = spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
const RSS_METHOD = haveTime ? '/usr/bin/time -f %M' : 'node --import scripts/bench/maxrss.mjs (process.resourceUsage().maxRSS)';

/** Runs a command to completion; stdout to a file or captured. Resolves with status, wall seconds, stdout/stderr text. */
function run(cmd, argv, { stdoutFile = null, env = process.env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const fd = stdoutFile ? openSync(stdoutFile, 'w') : null;
    const t0 = performance.now();
    const child = spawn(cmd, argv, { stdio: ['ignore', fd ?? 'pipe', 'pipe'], env });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 20000) err = err.slice(-10000);
    });
    child.on('error', (e) => {
      children.delete(child);
      if (fd !== null) closeSync(fd);
      reject(e);
    });
    child.on('close', (status) => {
      const seconds = (performance.now() - t0) / 1000;
      children.delete(child);
      if (fd !== null) closeSync(fd);
      resolvePromise({ status, seconds, stdout: out, stderr: err });
    });
  });
}

let seq = 0;
const splitRule = () => import(join(ROOT, 'dist', 'pipeline', 'splitChoice.js'));
/** `segloss eval` on a workload: wall seconds, peak RSS, and a check of the report. */
async function cli(label, gt, pred, flags, expectCases, env = process.env) {
  const tag = `run-${++seq}`;
  const outFile = join(work, `${tag}.json`);
  const rssFile = join(work, `${tag}.rss`);
  const evalArgs = [BIN, 'eval', '--pred', pred, '--gt', gt, ...flags, '--format', 'json', '--quiet'];
  log(`${label}: segloss eval ${flags.join(' ')}`);
  // Whether a lone case is split over two threads depends on the idle cores when the run
  // starts (pipeline/splitChoice.ts): the same rule, a moment before the run.
  const load = loadavg()[0];
  const w = flags.indexOf('--workers');
  const rule = await splitRule();
  const split = expectCases === 1 && w >= 0 ? await rule.splitNow(rule.splitChoice(Number(flags[w + 1]), 1)) : null;
  const r = haveTime
    ? await run(TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...evalArgs], { stdoutFile: outFile, env })
    : await run(process.execPath, ['--import', join(ROOT, 'scripts', 'bench', 'maxrss.mjs'), ...evalArgs], {
        stdoutFile: outFile,
        env: { ...env, BENCH_MAXRSS_FILE: rssFile },
      });
  const res = { run: label, flags, seconds: r.seconds, exit: r.status, rss_bytes: null, ok: null, errors: null, cases: null, dice_mean: null, problem: null, load, split };
  try {
    const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kib)) res.rss_bytes = kib * 1024;
  } catch {
    /* no RSS: the run died before exit */
  }
  if (r.status !== 0 && r.status !== 1) {
    res.problem = `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    return res;
  }
  try {
    const report = JSON.parse(readFileSync(outFile, 'utf8'));
    Object.assign(res, { ok: report.summary.ok, errors: report.summary.errors, cases: report.summary.cases, dice_mean: report.summary.metrics?.dice?.mean ?? null });
    if (res.cases !== expectCases || res.ok !== expectCases) {
      const firstError = report.cases.find((c) => c.status !== 'ok');
      res.problem = `${res.ok}/${expectCases} cases ok${firstError ? `: ${firstError.id}: ${firstError.error}` : ''}`;
    }
  } catch (e) {
    res.problem = `report unreadable: ${e.message}`;
  }
  rmSync(outFile, { force: true });
  return res;
}

async function nodeJson(script, payload, env = TUNED_ENV) {
  // A long payload (W5's 6000 file names) goes through a file: argv has a size limit (E2BIG).
  let arg = JSON.stringify(payload);
  if (arg.length > 64 * 1024) {
    const file = join(work, `payload-${++seq}.json`);
    writeFileSync(file, arg);
    arg = `@${file}`;
  }
  const r = await run(process.execPath, [join(ROOT, 'scripts', 'bench', script), arg], { env });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * The floors in three fresh processes, median of each, with glibc's defaults: what any
 * Node program pays to read and inflate the files into fresh memory, the yardstick every
 * earlier run used. (Under segloss's own malloc tuning, src/cli/relaunch.ts, the W2 .npy
 * read costs ~0.12 s instead of ~1.6 s: reading it then is mostly the copy.)
 */
async function floor(label, files, env = process.env) {
  log(`${label}: floors (read+inflate with node:zlib, summing pass), median of 3 fresh processes`);
  const runs = [];
  for (let k = 0; k < 3; k++) runs.push(await nodeJson('floor.mjs', { files, reps: 1 }, env));
  const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[1];
  return { ...runs[0], read_inflate_s: median('read_inflate_s'), sum_s: median('sum_s'), reps: runs.length };
}

/**
 * On Linux with glibc `segloss eval` evaluates in a child process with malloc tuned
 * (src/cli/relaunch.ts: huge pages for large buffers, freed memory kept for reuse). The
 * engine rows run under the same setting; the floors (see floor) and PyTorch run with
 * glibc's defaults, as their users run them (the tuning roughly halves PyTorch's time on
 * this VM: docs/large-volumes.md). W2 .npy is also shown without it (SEGLOSS_RELAUNCH=0).
 */
const relaunchModule = await import(join(ROOT, 'dist', 'cli', 'relaunch.js'));
const tuned = relaunchModule.shouldRelaunch(['eval'], process.env, process.platform, relaunchModule.onGlibc);
const TUNED_ENV = tuned ? { ...process.env, GLIBC_TUNABLES: relaunchModule.MALLOC_TUNING } : process.env;

async function engine(label, gt, pred, options, threads = 1) {
  log(`${label}: engine alone (evaluateCase on in-memory arrays${threads > 1 ? `, split over ${threads} threads` : ''})`);
  try {
    return await nodeJson('engine.mjs', { gt, pred, options, threads });
  } catch (e) {
    return { problem: e.message };
  }
}

/** `count` engines loaded side by side, started at the same moment: aggregate voxels/s on `count` cores. */
async function engineParallel(label, gt, pred, options, count) {
  log(`${label}: engine alone, ${count} processes started together`);
  const procs = [];
  try {
    const results = await new Promise((resolvePromise, reject) => {
      let ready = 0;
      const done = [];
      for (let k = 0; k < count; k++) {
        const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench', 'engine.mjs'), JSON.stringify({ gt, pred, options, sync: true })], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        children.add(child);
        procs.push(child);
        let out = '';
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d) => {
          out += d;
          if (out.startsWith('ready\n') && !child.readySeen) {
            child.readySeen = true;
            if (++ready === count) for (const p of procs) p.stdin.write('go\n');
          }
        });
        child.on('close', (status) => {
          children.delete(child);
          if (status !== 0) return reject(new Error(`engine exited ${status}: ${err.trim().split('\n').slice(-2).join(' | ')}`));
          done.push(JSON.parse(out.trim().split('\n').pop()));
          if (done.length === count) resolvePromise(done);
        });
      }
    });
    const slowest = Math.max(...results.map((r) => r.seconds));
    return { processes: count, seconds: slowest, per_process: results.map((r) => r.seconds), voxels: results[0].voxels * count };
  } catch (e) {
    for (const p of procs) p.kill('SIGTERM');
    return { problem: e.message };
  }
}

/** The first Python that imports torch: `python3` on PATH (a pip-installed CPU wheel), then Debian's. */
function torchAvailable() {
  const whys = [];
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return { ok: true, python: py, version: r.stdout.trim() };
    whys.push(`${py}: ${r.error ? 'not found' : (r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`}`);
  }
  return { ok: false, why: whys.join('; ') };
}

/**
 * Issue 15's W2 targets: end to end ≥ 20× PyTorch's end to end (.npy), ≥ 10× for the .nii.gz
 * prediction; --losses dice ≤ 1.5× the read floor of the same files; peak RSS ≤ the raw
 * prediction bytes + 300 MB for every W2 CLI run.
 */
function w2Targets(w2, target, okRun) {
  const [rNii, rNpy] = w2.cli;
  // Split or not changes both the time and the memory of a lone case: say which it was.
  const how = (r) => (r.split === true ? '; the case split over 2 threads' : r.split === false ? `; one thread, load ${r.load.toFixed(2)}` : '');
  const torch = w2.torch;
  for (const [r, want, name] of [[rNpy, 20, '.npy'], [rNii, 10, '.nii.gz']]) {
    const title = `W2 ${name} end to end ≥ ${want}× faster than PyTorch end to end`;
    if (!okRun(r)) target(title, null, want, null, 'not measured (the run failed)');
    else if (torch?.total_seconds == null) target(title, null, want, null, `not measured (${torch?.skipped ?? torch?.problem ?? 'no PyTorch run'})`);
    else {
      const x = torch.total_seconds / r.seconds;
      target(title, x, want, x >= want, `${fmtX(x)} (PyTorch ${fmtS(torch.total_seconds)} s vs segloss ${fmtS(r.seconds)} s${how(r)})`);
    }
  }
  for (const r of w2.cliDice ?? []) {
    const npy = r.run.includes('.npy');
    const fl = npy ? w2.floor.npy : w2.floor.nii;
    const title = `W2 ${npy ? '.npy' : '.nii.gz'} --losses dice ≤ 1.5× its read+inflate floor`;
    if (!okRun(r)) target(title, null, 1.5, null, 'not measured (the run failed)');
    else {
      const x = r.seconds / fl.read_inflate_s;
      target(title, x, 1.5, x <= 1.5, `${fmtX(x)} (${fmtS(r.seconds)} s vs ${fmtS(fl.read_inflate_s)} s${how(r)})`);
    }
  }
  const bg = w2.cliBackground;
  const bgTitle = 'W2 .npy --include-background ≤ 2× the time of the default run';
  if (!bg || !okRun(bg) || !okRun(rNpy)) target(bgTitle, null, 2, null, 'not measured');
  else {
    const x = bg.seconds / rNpy.seconds;
    target(bgTitle, x, 2, x <= 2, `${fmtX(x)} (${fmtS(bg.seconds)} s vs ${fmtS(rNpy.seconds)} s; peak ${fmtMB(bg.rss_bytes)}${how(bg)})`);
  }
  const limit = w2.predRawBytes + 300 * MB;
  for (const r of [...w2.cli, ...(w2.cliDice ?? [])]) {
    const name = `W2 peak RSS ≤ raw prediction bytes + 300 MB (${r.run.replace('CLI, logits ', '')})`;
    if (r.rss_bytes == null) target(name, null, limit, null, 'not measured');
    else target(name, r.rss_bytes, limit, r.rss_bytes <= limit, `${fmtMB(r.rss_bytes)} vs limit ${fmtMB(limit)} (prediction ${fmtMB(w2.predRawBytes)}${how(r)})`);
  }
}

// ---- formatting ---------------------------------------------------------------------------
const MB = 1e6;
const fmtCount = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(n));
const fmtRate = (x) => (x == null || !Number.isFinite(x) ? '–' : x.toExponential(2).replace('e+', 'e'));
const fmtS = (x) => (x == null || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtX = (x) => (x == null || !Number.isFinite(x) ? '–' : `${x.toFixed(x < 10 ? 2 : 1)}×`);
const fmtMB = (b) => (b == null ? '–' : `${Math.round(b / MB)} MB`);

function table(head, rows) {
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((r) => String(r[k]).length)));
  const right = head.map((_, k) => k >= 2);
  const line = (cells) => cells.map((c, k) => (right[k] ? String(c).padStart(w[k]) : String(c).padEnd(w[k]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

// ---- the bench ------------------------------------------------------------------------------
async function main() {
  const started = new Date();
  const load0 = loadavg();
  work = mkdtempSync(join(args.tmp, 'segloss-bench-'));
  log(`${args.quick ? 'quick' : 'full'} run of ${args.only.join(',')} in ${work}; ${cpus().length} cores, load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);
  if (load0[0] > cpus().length * 0.5) log(`note: the machine is busy (load ${load0[0].toFixed(2)}); timings will be slower and noisier`);

  const startup = await run(process.execPath, [BIN, '--version']);
  log(`CLI start-up (segloss --version): ${startup.seconds.toFixed(2)} s`);

  const tg = performance.now();
  const W = await generate(work, (args.only.includes('W4S') ? [...args.only, 'W4'] : args.only).filter((id) => id !== 'W5'), args.quick, (s) => log(`generate ${s}`));
  // W5 is a batch of W5_CASES cases; the other rows that borrow W5's PNGs (L5, HTML) keep their own, smaller batch.
  if (args.only.includes('W5')) W.W5batch = (await generate(join(work, 'W5batch'), ['W5'], args.quick, (s) => log(`generate ${s}`), { cases: args.quick ? undefined : W5_CASES })).W5;
  const generateSeconds = (performance.now() - tg) / 1000;
  log(`generated in ${generateSeconds.toFixed(1)} s`);

  const results = {};
  const rows = [];
  const addRow = (w, run, voxels, seconds, rss, fl, note = '') =>
    rows.push([
      w,
      run + (note ? ` (${note})` : ''),
      fmtCount(voxels),
      fmtS(seconds),
      fmtRate(seconds ? voxels / seconds : null),
      fmtMB(rss),
      fl && seconds != null ? fmtX(seconds / fl.read_inflate_s) : '–',
      fl && seconds != null ? fmtX(seconds / fl.sum_s) : '–',
    ]);
  const runRow = (w, r, voxels, fl, extra = '') => {
    if (r.split === true) extra = [extra, 'split over 2 threads'].filter(Boolean).join('; ');
    if (r.split === false && r.flags.includes('--workers') && r.flags[r.flags.indexOf('--workers') + 1] !== '1') {
      extra = [extra, `1 thread: load ${r.load.toFixed(2)}`].filter(Boolean).join('; ');
    }
    if (r.problem) rows.push([w, `${r.run}: FAILED ${r.problem}`.slice(0, 160), fmtCount(voxels), fmtS(r.seconds), '–', fmtMB(r.rss_bytes), '–', '–']);
    else addRow(w, r.run, voxels, r.seconds, r.rss_bytes, fl, extra);
  };
  const engineRow = (w, label, e, voxels, fl) => {
    if (e.problem) rows.push([w, `${label}: FAILED ${e.problem}`.slice(0, 160), fmtCount(voxels), '–', '–', '–', '–', '–']);
    else addRow(w, label, voxels, e.seconds, null, fl);
  };
  const floorRows = (w, fl, voxels) => {
    addRow(w, 'floor: read+inflate (node:zlib)', voxels, fl.read_inflate_s, null, null);
    addRow(w, 'floor: one summing pass', voxels, fl.sum_s, null, null);
  };

  /** A one-case workload: floors, the CLI with 2 workers (so a lone case is split), the engine alone. */
  const oneCase = async (id, runLabel, flags, engineOptions) => {
    const w = W[id];
    const fl = await floor(id, [w.gt, w.pred]);
    const r = await cli(id, w.gt, w.pred, [...flags, '--workers', '2'], 1);
    r.run = runLabel;
    const e = await engine(id, w.gt, w.pred, engineOptions);
    results[id] = { ...w, floor: fl, cli: [r], engine: e };
    floorRows(id, fl, w.voxels);
    runRow(id, r, w.voxels, fl);
    engineRow(id, 'engine alone, 1 thread', e, w.voxels, fl);
  };

  if (W.W1) await oneCase('W1', 'CLI end to end', [], {});

  if (W.W2) {
    const w = W.W2;
    const flNii = await floor('W2 .nii.gz', [w.gt, w.predNii]);
    const flNpy = await floor('W2 .npy', [w.gt, w.predNpy]);
    const rNii = await cli('W2 .nii.gz', w.gt, w.predNii, ['--workers', '2'], 1);
    rNii.run = 'CLI, logits .nii.gz, --workers 2';
    const rNpy = await cli('W2 .npy', w.gt, w.predNpy, ['--workers', '2'], 1);
    rNpy.run = 'CLI, logits .npy, --workers 2';
    // Sums alone (issue 15): against the read floor of the same files.
    const dice = [];
    for (const [label, pred] of [['.npy', w.predNpy], ['.nii.gz', w.predNii]]) {
      const r = await cli(`W2 ${label} --losses dice`, w.gt, pred, ['--losses', 'dice', '--workers', '2'], 1);
      r.run = `CLI, logits ${label}, --losses dice, --workers 2`;
      dice.push(r);
    }
    // The background class too (its logits negated): one more class sorted and walked, so
    // about one more default run's engine time, not the minute the boxed copy once took.
    const bg = await cli('W2 .npy --include-background', w.gt, w.predNpy, ['--include-background', '--workers', '2'], 1);
    bg.run = 'CLI, logits .npy, --include-background, --workers 2';
    let tip = null;
    if (tuned) {
      const env = { ...process.env, SEGLOSS_RELAUNCH: '0' };
      const r = await cli('W2 .npy, malloc untuned', w.gt, w.predNpy, ['--workers', '2'], 1, env);
      r.run = 'CLI, logits .npy, --workers 2, SEGLOSS_RELAUNCH=0 (malloc untuned)';
      tip = { env: 'SEGLOSS_RELAUNCH=0', floor: flNpy, cli: r };
    }
    const e1 = await engine('W2', w.gt, w.predNii, {});
    const eSplit = await engine('W2', w.gt, w.predNii, {}, 2);
    const e2 = await engineParallel('W2', w.gt, w.predNii, {}, 2);
    let torch = null;
    const t = torchAvailable();
    if (!t.ok) {
      torch = { skipped: `PyTorch not importable (${t.why}); comparison skipped` };
    } else {
      log(`W2: PyTorch ${t.version} float32, same loss set, 2 threads`);
      const r = await run(t.python, [join(ROOT, 'scripts', 'bench', 'torch_losses.py'), w.gt, w.predNpy, '2']);
      torch = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : { problem: r.stderr.trim().split('\n').slice(-2).join(' | ') };
    }
    results.W2 = { ...w, floor: { nii: flNii, npy: flNpy }, cli: [rNii, rNpy], cliDice: dice, cliBackground: bg, mallocUntuned: tip, engine: e1, engineSplit: eSplit, engine2: e2, torch };
    floorRows('W2 .nii.gz', flNii, w.voxels);
    floorRows('W2 .npy', flNpy, w.voxels);
    runRow('W2', rNii, w.voxels, flNii);
    runRow('W2', rNpy, w.voxels, flNpy);
    runRow('W2', dice[0], w.voxels, flNpy);
    runRow('W2', dice[1], w.voxels, flNii);
    runRow('W2', bg, w.voxels, flNpy);
    if (tip) {
      runRow('W2', tip.cli, w.voxels, tip.floor);
    }
    engineRow('W2', 'engine alone, 1 thread', e1, w.voxels, flNii);
    engineRow('W2', 'engine alone, 1 case split over 2 threads', eSplit, w.voxels, flNii);
    if (e2.problem) engineRow('W2', 'engine alone, 2 processes', e2, w.voxels * 2, null);
    else addRow('W2', 'engine alone, 2 cases on 2 processes', e2.voxels, e2.seconds, null, null, 'aggregate');
    if (torch?.seconds != null) {
      addRow('W2', `PyTorch ${torch.torch} float32 losses, ${torch.threads} threads (compute only)`, w.voxels, torch.seconds, null, flNpy);
      addRow('W2', `PyTorch, read both files + losses (end to end)`, w.voxels, torch.total_seconds, null, flNpy);
      for (const r of [rNpy, rNii]) {
        if (!r.problem) rows.push(['W2', `PyTorch end to end / segloss ${r.run.replace('CLI, logits ', '')} = ${fmtX(torch.total_seconds / r.seconds)}`, '–', '–', '–', '–', '–', '–']);
      }
    }
  }

  if (W.W3) {
    await oneCase('W3', 'CLI end to end, 5-channel softmax .npz', [], {});
    // The default must never be slower than one worker; --losses none is the metrics-only choice.
    const w = W.W3;
    const one = await cli('W3', w.gt, w.pred, ['--workers', '1'], 1);
    one.run = 'CLI, --workers 1';
    const none = await cli('W3', w.gt, w.pred, ['--workers', '2', '--losses', 'none'], 1);
    none.run = 'CLI, --losses none, --workers 2';
    results.W3.cliMore = [one, none];
    runRow('W3', one, w.voxels, results.W3.floor);
    runRow('W3', none, w.voxels, results.W3.floor);
  }

  if (W.W4 && args.only.includes('W4')) await oneCase('W4', 'CLI end to end, 10 labels, --metrics all', ['--metrics', 'all'], { metrics: 'all' });
  if (args.only.includes('W4S')) results.W4S = await surfelsRows(W.W4, nodeJson, addRow, log);

  if (W.W5batch) {
    const w = W.W5batch;
    const { readdirSync } = await import('node:fs');
    const files = [...readdirSync(w.gt).map((f) => join(w.gt, f)), ...readdirSync(w.pred).map((f) => join(w.pred, f))];
    const fl = await floor('W5', files);
    // The ceiling of the two-worker target on this machine: how much faster two threads
    // read, inflate and sum the same files than one, with no engine and no report; under
    // the CLI's malloc tuning, as the two runs it bounds (the floors above use glibc's defaults).
    log('W5: floor on one thread and on two (read+inflate+sum, file by file), median of 3');
    const scaling = await nodeJson('floor.mjs', { files, reps: 3, scaling: true }).catch((e) => ({ problem: e.message }));
    const r1 = await cli('W5', w.gt, w.pred, ['--workers', '1'], w.cases);
    r1.run = 'CLI --workers 1';
    const r2 = await cli('W5', w.gt, w.pred, ['--workers', '2'], w.cases);
    r2.run = 'CLI --workers 2';
    results.W5 = { ...w, floor: fl, scaling, cli: [r1, r2] };
    floorRows('W5', fl, w.voxels);
    if (!scaling.problem) {
      addRow('W5', 'floor: read+inflate+sum, 1 thread', w.voxels, scaling.one_thread_s, null, null);
      addRow('W5', 'floor: read+inflate+sum, 2 threads', w.voxels, scaling.two_threads_s, null, null, `×${(scaling.one_thread_s / scaling.two_threads_s).toFixed(2)} of 1 thread`);
    }
    for (const r of [r1, r2]) runRow('W5', r, w.voxels, fl, r.problem ? '' : `${(w.cases / r.seconds).toFixed(1)} cases/s`);
  }

  if (W.W1F) {
    const w = W.W1F;
    const runs = {};
    for (const fmt of ['nii', 'mha', 'nrrd']) {
      const r = await cli(`W1F ${fmt}`, w[fmt].gt, w[fmt].pred, ['--workers', '2'], 1);
      r.run = `CLI end to end, ${{ nii: '.nii.gz', mha: '.mha zlib', nrrd: '.nrrd gzip' }[fmt]}`;
      runs[fmt] = r;
      runRow('W1F', r, w.voxels, null);
    }
    results.W1F = { ...w, cli: [runs.nii, runs.mha, runs.nrrd] };
  }

  if (args.only.includes('S1')) {
    const s1 = generateCompareStats(work, args.quick);
    const r = await run(process.execPath, [BIN, ...s1.args]);
    results.S1 = { ...s1, seconds: r.seconds, problem: r.status === 0 ? null : r.stderr.trim().split('\n')[0] };
    if (results.S1.problem) rows.push(['S1', `compare: FAILED ${results.S1.problem}`.slice(0, 160), '–', fmtS(r.seconds), '–', '–', '–', '–']);
    else rows.push(['S1', `compare, ${s1.cases} cases × ${s1.quantities} quantities`, '–', fmtS(r.seconds), '–', '–', '–', '–']);
  }
  if (args.only.includes('HTML')) {
    const { htmlBench } = await import('./bench/html.mjs');
    const h = (results.HTML = await htmlBench({ work, bin: BIN, quick: args.quick, log }));
    addRow('HTML', `CLI --metrics all, ${h.cases} PNG pairs`, h.voxels, h.plain, null, null);
    addRow('HTML', `same + --out report.html (${h.pageBytes == null ? "?" : `${(h.pageBytes / 1e6).toFixed(2)} MB page`})`, h.voxels, h.html, null, null, h.problem ?? `+${fmtS(h.added)} s${h.addedCpu == null ? '' : `, +${fmtS(h.addedCpu)} s CPU`}`);
  }
  // W2M: W2 with --metrics all vs the default metrics (scripts/bench/metricsExtra.mjs).
  if (args.only.includes('W2M')) results.W2M = await benchMetricsExtra({ work, quick: args.quick, bin: BIN, log });

  // ---- targets --------------------------------------------------------------------------
  const targets = [];
  const target = (name, value, limit, met, shown, why = '') => targets.push({ name, value, limit, met, shown, why });
  if (results.S1 && !results.S1.problem) {
    target('S1 compare of two 1000-case reports with 50 quantities < 2 s', results.S1.seconds, 2, results.S1.seconds < 2, `${fmtS(results.S1.seconds)} s`);
  } else if (args.only.includes('S1')) target('S1 compare of two 1000-case reports with 50 quantities < 2 s', null, 2, null, 'not measured');
  if (results.W2M) metricsExtraReport(results.W2M, { runRow, target, fmtX, fmtS });
  const okRun = (r) => r && !r.problem;
  if (results.W1 && okRun(results.W1.cli[0])) {
    const x = results.W1.cli[0].seconds / results.W1.floor.read_inflate_s;
    target('W1 end to end ≤ 1.5× its read+inflate floor', x, 1.5, x <= 1.5, `${fmtX(x)} (${fmtS(results.W1.cli[0].seconds)} s vs ${fmtS(results.W1.floor.read_inflate_s)} s)`);
  } else target('W1 end to end ≤ 1.5× its read+inflate floor', null, 1.5, null, 'not measured');
  if (results.W2 && !results.W2.engine2.problem) {
    const rate = results.W2.engine2.voxels / results.W2.engine2.seconds;
    const one = results.W2.engine.problem ? null : results.W2.voxels / results.W2.engine.seconds;
    const split = results.W2.engineSplit?.problem ? null : results.W2.voxels / results.W2.engineSplit.seconds;
    const best = Math.max(rate, split ?? 0);
    target(
      'W2 engine ≥ 1e8 voxels/s on 2 workers',
      best,
      1e8,
      best >= 1e8,
      `${fmtRate(best)} voxels/s (1 case split over 2 threads: ${fmtRate(split)}; 2 cases on 2 cores: ${fmtRate(rate)}; 1 thread: ${fmtRate(one)})`,
      'every voxel is bucketed and sorted (all Lovász-softmax errors are > 0) and walked once with one exp and one log1p for every sum and both Lovász terms; the counting and bucketing passes run on one thread: see docs/performance.md',
    );
  } else target('W2 engine ≥ 1e8 voxels/s on 2 workers', null, 1e8, null, 'not measured');
  if (results.W3?.cliMore && okRun(results.W3.cli[0]) && results.W3.cliMore.every(okRun)) {
    const [one, none] = results.W3.cliMore;
    const x = results.W3.cli[0].seconds / one.seconds;
    target('W3 2 workers ≤ 1.05× the time of --workers 1', x, 1.05, x <= 1.05, `${fmtX(x)} (${fmtS(results.W3.cli[0].seconds)} s vs ${fmtS(one.seconds)} s)`);
    const y = none.seconds / results.W3.cli[0].seconds;
    target('W3 --losses none ≤ 0.5× the default time', y, 0.5, y <= 0.5, `${fmtX(y)} (${fmtS(none.seconds)} s vs ${fmtS(results.W3.cli[0].seconds)} s)`);
  } else target('W3 2 workers ≤ 1.05× the time of --workers 1', null, 1.05, null, 'not measured');
  for (const [k, name] of [[1, '.mha (zlib)'], [2, '.nrrd (gzip)']]) {
    const t = `W1F ${name} ≤ 1.2× the same data as .nii.gz`;
    const r = results.W1F?.cli;
    if (r && okRun(r[0]) && okRun(r[k])) {
      const x = r[k].seconds / r[0].seconds;
      target(t, x, 1.2, x <= 1.2, `${fmtX(x)} (${fmtS(r[k].seconds)} s vs ${fmtS(r[0].seconds)} s)`);
    } else if (args.only.includes('W1F')) target(t, null, 1.2, null, 'not measured');
  }
  if (results.W4 && results.W1 && okRun(results.W4.cli[0]) && okRun(results.W1.cli[0])) {
    const x = results.W4.cli[0].seconds / results.W1.cli[0].seconds;
    target('W4 ≤ 3× W1 time', x, 3, x <= 3, `${fmtX(x)} (${fmtS(results.W4.cli[0].seconds)} s vs ${fmtS(results.W1.cli[0].seconds)} s)`);
  } else target('W4 ≤ 3× W1 time', null, 3, null, results.W4 ? 'needs W1 too' : 'not measured');
  if (results.W4S) surfelsTarget(results.W4S, target);
  if (results.W5 && okRun(results.W5.cli[0]) && okRun(results.W5.cli[1])) {
    const x = results.W5.cli[0].seconds / results.W5.cli[1].seconds;
    target(
      `W5 2 workers ≥ 1.5× the cases/s of 1 worker (${results.W5.cases} cases)`,
      x,
      1.5,
      x >= 1.5,
      `${fmtX(x)} (${(results.W5.cases / results.W5.cli[1].seconds).toFixed(1)} vs ${(results.W5.cases / results.W5.cli[0].seconds).toFixed(1)} cases/s)${results.W5.scaling.problem ? '' : `; the floor itself: ${fmtX(results.W5.scaling.one_thread_s / results.W5.scaling.two_threads_s)} on 2 threads`}`,
      `the floor's own 2-thread ratio is the most this machine gives; ${fmtS(startup.seconds)} s of each run is the CLI start-up alone, the report is as long again, and each worker thread boots and JIT-compiles its own engine: see docs/large-volumes.md`,
    );
  } else target('W5 2 workers ≥ 1.5× the cases/s of 1 worker', null, 1.5, null, 'not measured');
  const lesionIds = args.only.filter((id) => LESION_WORKLOADS.includes(id));
  if (lesionIds.length) Object.assign(results, await lesionBench(lesionIds, { cli, runRow, target, log, work, quick: args.quick, W }));
  if (results.HTML && !results.HTML.problem) {
    const h = results.HTML;
    target('HTML --out report.html adds ≤ 1 s (W5 PNGs, --metrics all)', h.added, 1, h.added <= 1, `+${fmtS(h.added)} s (${fmtS(h.plain)} s → ${fmtS(h.html)} s)${h.addedCpu == null ? '' : `; CPU time of all threads +${fmtS(h.addedCpu)} s`}`);
  } else if (args.only.includes('HTML')) target('HTML --out report.html adds ≤ 1 s (W5 PNGs, --metrics all)', null, 1, null, 'not measured');
  if (results.W2) w2Targets(results.W2, target, okRun);
  else target('W2 peak RSS ≤ raw prediction bytes + 300 MB', null, null, null, 'not measured');

  // ---- output -----------------------------------------------------------------------------
  const load1 = loadavg();
  const head = ['Workload', 'Run', 'Voxels', 'Seconds', 'Voxels/s', 'Peak RSS', '× read+inflate', '× sum'];
  const out = [];
  out.push(`segloss bench — ${args.quick ? 'QUICK (small shapes; targets are for the full run)' : 'full'} — ${started.toISOString()}`);
  out.push(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), load average ${load0[0].toFixed(2)} at start, ${load1[0].toFixed(2)} at end; peak RSS by ${RSS_METHOD}`);
  out.push(`CLI start-up alone (segloss --version): ${startup.seconds.toFixed(2)} s; workloads generated in ${generateSeconds.toFixed(1)} s (not counted)`);
  out.push('');
  out.push(table(head, rows));
  out.push('');
  if (results.W2?.torch?.skipped) out.push(`PyTorch: ${results.W2.torch.skipped}.`);
  else if (results.W2?.torch?.seconds != null) {
    const t = results.W2.torch;
    out.push(`PyTorch ${t.torch}: ${fmtS(t.total_seconds)} s end to end (${fmtS(t.load_seconds)} s reading both files, ${fmtS(t.seconds)} s for the loss set, ${t.threads} threads); segloss CLI end to end: ${results.W2.cli.map((r) => `${r.run.replace('CLI, logits ', '')} ${fmtS(r.seconds)} s (${fmtX(t.total_seconds / r.seconds)} faster)`).join(', ')}.`);
  } else if (results.W2?.torch?.problem) out.push(`PyTorch: failed: ${results.W2.torch.problem}`);
  out.push('');
  out.push('Targets:');
  for (const t of targets) out.push(`  ${t.met === null ? '–' : t.met ? '✓' : '✗'} ${t.name}: ${t.shown}${t.why && t.met === false ? `\n      (${t.why})` : ''}`);
  const missed = targets.filter((t) => t.met === false).map((t) => t.name);
  out.push(missed.length ? `Not met: ${missed.join('; ')}.` : targets.some((t) => t.met === null) ? 'Every measured target is met.' : 'Every target is met.');
  if (args.quick) out.push('(Quick run: shapes are small, so fixed costs such as process start-up dominate; judge the targets on the full run.)');
  process.stdout.write(`${out.join('\n')}\n`);

  const json = {
    schema: 'segloss-bench/1',
    started: started.toISOString(),
    quick: args.quick,
    only: args.only,
    node: process.version,
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? null,
    loadavg: { start: load0, end: load1 },
    git: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || null,
    rss_method: RSS_METHOD,
    generate_seconds: generateSeconds,
    cli_startup_seconds: startup.seconds,
    workloads: results,
    targets,
    table: { head, rows },
  };
  writeFileSync(args.json, `${JSON.stringify(json, null, 2)}\n`);
  log(`results written to ${args.json}`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
} finally {
  cleanup();
  if (args.keep && work) log(`kept ${work}`);
}
