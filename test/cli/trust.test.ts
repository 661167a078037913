// Numbers that look right but are not, and messages that never reached the person
// (issue "Trust and friction"): each behaviour checked through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { ROOT, runCli } from '../helpers/cli.js';
import { encodePng } from '../helpers/png.js';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { png8, row, workspace, type Workspace } from '../helpers/cliFixtures.js';
import { niftiBytes } from '../helpers/nifti.js';

const spaces: Workspace[] = [];
function space(): Workspace {
  const ws = workspace('segloss-trust-');
  spaces.push(ws);
  return ws;
}
afterAll(() => spaces.forEach((ws) => ws.cleanup()));

const evalArgs = (ws: Workspace, ...more: string[]) => ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, ...more];

describe('--format nnunet gives nnU-Net numbers', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // e: label 2 in neither mask (an empty pair); f: label 2 |gt| 2, |pred| 1, overlap 1 → Dice 2/3, IoU 1/2.
    ws.addCase('e', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
    ws.addCase('f', row([2, 2, 1, 0]), row([2, 0, 1, 0]));
  });

  it('an empty pair is NaN (null) there, whatever --empty says, and is left out of the label mean', () => {
    const r = runCli(evalArgs(ws, '--format', 'nnunet'));
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.metric_per_case[0].metrics['2'].Dice).toBeNull();
    expect(s.metric_per_case[0].metrics['2'].IoU).toBeNull();
    expect(s.metric_per_case[1].metrics['2'].Dice).toBeCloseTo(2 / 3, 12);
    expect(s.mean['2'].Dice).toBeCloseTo(2 / 3, 12);
    expect(s.mean['2'].IoU).toBeCloseTo(1 / 2, 12);
    // segloss's own report keeps --empty one for the same pair.
    const own = JSON.parse(runCli(evalArgs(ws, '--format', 'json')).stdout);
    expect(own.cases[0].labels['2'].dice).toBe(1);
  });
});

describe('a named label that occurs nowhere', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // a: label 1 Dice 2·1/(2+1) = 2/3; b: label 2 predicted exactly. Label 200 is nowhere.
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
    ws.addCase('b', row([2, 2, 0, 0]), row([2, 2, 0, 0]));
  });

  it('stops the run with exit 2 and one line naming it and the labels that do occur', () => {
    const r = runCli(evalArgs(ws, '--labels', '1,200', '--gate', 'metrics.dice.mean>=0.5', '--format', 'json'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'segloss: --labels: label 200 occurs in no ground truth and no prediction of the run, so it would score as empty pairs; ' +
        'labels that occur: 1, 2 (check --labels/--regions, or pass --allow-absent-labels)\n',
    );
  });

  it('names a region member that occurs nowhere the same way', () => {
    const r = runCli(evalArgs(ws, '--regions', 'A=1,2;B=7'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^segloss: --regions B: label 7 occurs in no ground truth and no prediction of the run.*labels that occur: 1, 2 /);
  });

  it('--allow-absent-labels evaluates it, with the warning on stderr, in the JSON and under the table', () => {
    const r = runCli(evalArgs(ws, '--labels', '1,200', '--allow-absent-labels', '--format', 'json'));
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    // Label 200 is an empty pair in both cases: Dice 1 under --empty one; case a: mean(2/3, 1).
    expect(rep.cases[0].labels['200'].dice).toBe(1);
    expect(rep.cases[0].metrics.dice).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(rep.warnings).toEqual(['label 200 occurs in no ground truth and no prediction of the run; scored as empty pairs (--empty)']);
    expect(r.stderr).toContain('warning: label 200 occurs in no ground truth and no prediction of the run; scored as empty pairs (--empty)\n');
    const t = runCli(evalArgs(ws, '--labels', '1,200', '--allow-absent-labels'));
    expect(t.stdout).toContain('warning: label 200 occurs in no ground truth');
  });

  it('a cohort where nothing occurs at all is evaluated, with the warning', () => {
    const empty = space();
    empty.addCase('h1', row([0, 0, 0, 0]), row([0, 0, 0, 0]));
    empty.addCase('h2', row([0, 0, 0, 0]), row([0, 0, 0, 0]));
    const r = runCli(evalArgs(empty, '--labels', '1', '--format', 'json'));
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.summary.labels['1'].dice.mean).toBe(1); // two empty pairs, --empty one
    expect(rep.warnings).toHaveLength(1);
    expect(rep.warnings[0]).toMatch(/^label 1 occurs in no ground truth and no prediction of the run; .*no label occurs anywhere/);
    expect(r.stderr).toMatch(/^warning: label 1 occurs in no ground truth/m);
  });
});

describe('every warning reaches the person', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // Three cases whose predictions hold labels found in no ground truth (an 8-bit
    // probability map read as labels would), one clean case.
    ws.addCase('p1', row([1, 1, 0, 0]), row([1, 1, 9, 0]));
    ws.addCase('p2', row([1, 1, 0, 0]), row([1, 7, 8, 0]));
    ws.addCase('p3', row([1, 1, 0, 0]), row([5, 1, 0, 0]));
    ws.addCase('p4', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
  });

  it('stderr: one line per kind, with the count of cases and the first case ids', () => {
    const r = runCli(evalArgs(ws, '--format', 'json'));
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('warning'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning \(3 cases: p1, p2, p3\): prediction holds label 9 found in no ground truth of the run; if it is a probability map, use --input probs$/);
    const rep = JSON.parse(r.stdout);
    expect(rep.cases.map((c: { warnings: string[] }) => c.warnings.length)).toEqual([1, 1, 1, 0]);
  });

  it('the table has the line under the summary, Markdown lists it, --quiet keeps stderr clean', () => {
    const t = runCli(evalArgs(ws));
    const out = t.stdout.split('\n');
    const summaryEnd = out.findLastIndex((l) => l.startsWith('└'));
    expect(out[summaryEnd + 1]).toMatch(/^warning \(3 cases: p1, p2, p3\): prediction holds label 9 /);
    const md = runCli(evalArgs(ws, '--format', 'markdown')).stdout;
    expect(md).toContain('## Warnings (1)\n\n- prediction holds label 9 found in no ground truth of the run; if it is a probability map, use --input probs (3 cases: p1, p2, p3)\n');
    const q = runCli(evalArgs(ws, '--quiet'));
    expect(q.stderr).toBe('');
  });
});

describe('silent guesses become warnings', () => {
  const warningsOf = (ws: Workspace, ...more: string[]) => {
    const r = runCli(evalArgs(ws, '--format', 'json', ...more));
    return { r, w: JSON.parse(r.stdout).cases[0].warnings as string[] };
  };

  it('a one-channel probability map against a ground truth with several labels', () => {
    const ws = space();
    ws.addCase('p', row([1, 2, 2, 0]), row([0.9, 0.2, 0.7, 0.1], 'f4'));
    const { r, w } = warningsOf(ws);
    expect(r.status).toBe(0);
    expect(w).toContain('one-channel probability map against a ground truth with labels 1, 2: it is scored as label 1 only; give one channel per class (C, …) or name the label with --labels');
    expect(r.stderr).toMatch(/^warning \(1 case: p\): one-channel probability map/m);
  });

  it('255 beside small labels suggests --ignore-index 255, and not once it is given', () => {
    const ws = space();
    ws.addCase('v', row([1, 2, 255, 0]), row([1, 2, 0, 0]));
    expect(warningsOf(ws).w).toContain('ground truth holds 255 beside small labels (1, 2): if 255 marks voxels to leave out, use --ignore-index 255');
    expect(warningsOf(ws, '--ignore-index', '255').w.filter((x) => x.includes('255 beside'))).toEqual([]);
  });

  it('--spacing that overrides a NIfTI header is a note', () => {
    const ws = space();
    const vol = (v: number[]) => niftiBytes({ dims: [2, 2, 1], datatype: 'uint8', values: v, pixdim: [0.8, 0.8, 3] });
    writeFileSync(join(ws.gt, 'n.nii'), vol([1, 1, 0, 0]));
    writeFileSync(join(ws.pred, 'n.nii'), vol([1, 0, 0, 0]));
    expect(warningsOf(ws, '--spacing', '1,1,1').w).toContain("--spacing 1,1,1 overrides the ground truth's header spacing 0.8,0.8,3");
    expect(runCli(['eval', '--help']).stdout).toMatch(/--spacing <x,y\[,z\]>\s+voxel\s+spacing\s+in\s+mm;\s+overrides\s+a\s+NIfTI\s+header's\s+spacing/);
  });

  it('a 0/255 mask against a prediction with a few anti-aliased greys', () => {
    const ws = space();
    writeFileSync(join(ws.gt, 'g.png'), png8(4, 1, [255, 255, 0, 0]));
    writeFileSync(join(ws.pred, 'g.png'), png8(4, 1, [255, 128, 3, 0]));
    const { w } = warningsOf(ws);
    expect(w).toContain(
      'ground truth is a 0/255 mask but the prediction holds 2 other grey values (3, 128) beside 0/255, anti-aliased edges? threshold it to 0/255, or read it as a probability map with --input probs',
    );
  });
});

describe('surface metrics at case level', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // a: gt {0,1}, pred {0} on a 1 × 4 row. Surface points are the mask voxels themselves;
    // distances gt→pred 0, 1 and pred→gt 0: pooled [0, 0, 1], 95th percentile (linear)
    // 0 + 0.9·(1 − 0) = 0.9, HD 1. b: identical masks, every distance 0.
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
    ws.addCase('b', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
  });

  it('--metrics all gives each case its hd95 (mean over labels) and a summary gates can use', () => {
    const r = runCli(evalArgs(ws, '--metrics', 'all', '--format', 'json', '--gate', 'metrics.hd95.mean<=0.4', '--gate-case', 'metrics.hd95<=0.5'));
    expect(r.status).toBe(1);
    const rep = JSON.parse(r.stdout);
    expect(rep.cases[0].metrics.hd95).toBeCloseTo(0.9, 12);
    expect(rep.cases[0].metrics.hd).toBe(1);
    expect(rep.cases[1].metrics.hd95).toBe(0);
    expect(rep.summary.metrics.hd95.mean).toBeCloseTo(0.45, 12);
    expect(rep.gates[0]).toMatchObject({ expr: 'metrics.hd95.mean<=0.4', pass: false });
    expect(rep.case_gates[0].failures).toEqual([{ id: 'a', value: expect.closeTo(0.9, 12) }]);
  });

  it('a gate on a value that exists elsewhere points to it', () => {
    const perLabel = runCli(evalArgs(ws, '--gate', 'metrics.precision.mean>=0.5'));
    expect(perLabel.status).toBe(2);
    expect(perLabel.stderr).toBe(
      'segloss: --gate "metrics.precision.mean>=0.5": no "precision" under metrics; available: dice, iou; precision is per label: labels.1.precision.mean\n',
    );
    const notComputed = runCli(evalArgs(ws, '--gate', 'metrics.hd95.mean<=5'));
    expect(notComputed.status).toBe(2);
    expect(notComputed.stderr).toMatch(/hd95 is not computed: add --metrics all \(or list hd95 in --metrics\)\n$/);
  });
});

describe('every format to a file', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // Dice 2·1/(2+1) = 2/3 for the one case.
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
  });

  it('--out x.txt writes the table, --out nnunet:summary.json the nnU-Net summary, each equal to stdout', () => {
    const table = runCli(evalArgs(ws)).stdout;
    const nn = runCli(evalArgs(ws, '--format', 'nnunet')).stdout;
    const r = runCli(evalArgs(ws, '--quiet', '--out', ws.path('t.txt'), '--out', `nnunet:${ws.path('summary.json')}`));
    expect(r.status).toBe(0);
    expect(readFileSync(ws.path('t.txt'), 'utf8')).toBe(table);
    expect(readFileSync(ws.path('summary.json'), 'utf8')).toBe(nn);
    expect(JSON.parse(nn).mean['1'].Dice).toBeCloseTo(2 / 3, 12);
  });

  it('the CSV of a run where every case failed keeps the columns of a normal run', () => {
    const bad = space();
    bad.addCase('x', row([1, 1, 0, 0]), Buffer.from('not a numpy file'));
    const ok = runCli(evalArgs(ws, '--format', 'csv')).stdout.split('\r\n')[0];
    const r = runCli(evalArgs(bad, '--format', 'csv'));
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\r\n');
    // Every column of the evaluated run, in the same order (the volume columns too, which a
    // run without spacing leaves out).
    const header = lines[0].split(',');
    expect(header.filter((c) => ok.split(',').includes(c))).toEqual(ok.split(','));
    expect(header.filter((c) => !ok.split(',').includes(c))).toEqual(['gt_volume_ml', 'pred_volume_ml']);
    expect(lines[1]).toMatch(/^x,all,error,,/);
  });
});

describe('small things', () => {
  it('a JPEG renamed .png: the error says it looks like JPEG', () => {
    const ws = space();
    writeFileSync(join(ws.gt, 'j.png'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0rest of a jpeg')]));
    writeFileSync(join(ws.pred, 'j.png'), png8(2, 1, [1, 0]));
    const r = runCli(evalArgs(ws));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: j: .*j\.png: .*not a PNG file \(bad signature; it looks like JPEG/m);
  });

  it('a ground truth with many fractional values asks whether it is the image or --pred and --gt are swapped', () => {
    const ws = space();
    const values = Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200);
    ws.addCase('img', row(values, 'f4'), row(values.map((v) => (v > 0.5 ? 1 : 0))));
    const r = runCli(evalArgs(ws));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ground truth holds 200 non-integer values; expected a label map: is this the image rather than a label map, or are --pred and --gt swapped\?/);
  });

  it('one case and one error are singular', () => {
    const ws = space();
    ws.addCase('x', row([1, 0]), Buffer.from('junk'));
    const r = runCli(evalArgs(ws));
    expect(r.stdout).toContain('1 case: 0 ok, 0 missing, 1 error\n');
  });

  it('inspect of a folder says it is a folder; an interlaced RGB PNG is described as such', () => {
    const ws = space();
    // 2 × 1 RGB, interlaced, equal channels: grey values 0 and 255.
    writeFileSync(ws.path('rgb.png'), encodePng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [0, 0, 0, 255, 255, 255], interlace: true }));
    const r = runCli(['inspect', ws.gt, ws.path('rgb.png')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`segloss: ${ws.gt}: is a folder; inspect takes files (e.g. segloss inspect folder/*.png)\n`);
    expect(r.stdout).toMatch(/format\s+png, 8-bit RGB \(equal channels read as grey\), interlaced \(Adam7\)/);
  });

  it('npm test prints no colour codes on a pipe and writes nothing into the repository', () => {
    rmSync(join(ROOT, '.vitest.json'), { force: true }); // where an older runner left its results
    const before = spawnSync('git', ['status', '--porcelain', '--ignored'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    const r = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'test/losses/speed/fastMath.test.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    const after = spawnSync('git', ['status', '--porcelain', '--ignored'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(after).toBe(before);
  }, 120_000);
});

describe('the table', () => {
  const tableLines = (s: string) => s.split('\n');
  const widest = (s: string) => Math.max(...tableLines(s).map((l) => l.length));

  it('hard label maps: per-case Dice, IoU (HD95, NSD when computed), no loss columns', () => {
    const ws = space();
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
    const head = (args: string[]) => runCli(evalArgs(ws, ...args)).stdout.split('\n')[1].split('│').map((c) => c.trim()).filter(Boolean);
    expect(head([])).toEqual(['case', 'Dice', 'IoU', 'status']);
    expect(head(['--metrics', 'all'])).toEqual(['case', 'Dice', 'IoU', 'HD95', 'NSD', 'status']);
  });

  it('soft predictions get loss columns, dropped from the right to fit the terminal width', () => {
    const ws = space();
    ws.addCase('soft_case_with_a_rather_long_identifier', row([1, 1, 0, 0]), row([0.9, 0.4, 0.2, 0.1], 'f4'));
    const wide = runCli(evalArgs(ws)).stdout;
    expect(tableLines(wide)[1]).toMatch(/Dice loss .* Lovasz hinge/);
    const narrow = runCli(evalArgs(ws), { env: { COLUMNS: '80' } }).stdout;
    expect(widest(wide)).toBeGreaterThan(80);
    expect(widest(narrow)).toBeLessThanOrEqual(80);
    // The id gives way to 24 characters, then losses from the right.
    expect(tableLines(narrow)[3]).toMatch(/^│ …_a_rather_long_identifier │ 0\.6667 │/);
    expect(tableLines(narrow)[1]).toMatch(/│ +Dice │ +IoU │ Dice loss │/);
    expect(tableLines(narrow)[1]).not.toMatch(/Lovasz hinge/);
  });

  it('many labels are one labels × metrics matrix of means that fits the width', () => {
    const ws = space();
    // Six labels, each predicted exactly in one case: every mean is 1.
    ws.addCase('m', row([1, 2, 3, 4, 5, 6, 0, 0]), row([1, 2, 3, 4, 5, 6, 0, 0]));
    const r = runCli(evalArgs(ws, '--metrics', 'all'), { env: { COLUMNS: '80' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('mean per label over 6 labels:');
    expect(r.stdout).not.toMatch(/│ label 1 +│/);
    const rows = tableLines(r.stdout).filter((l) => /^│ [1-6] /.test(l));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatch(/^│ 1 +│ +1\.000 │ +1\.000 │ +0\.000 │ +1\.000 │/); // dice, iou, hd95, nsd
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/\(\d more metrics? per label in --format csv\/json\)/);
  });
});

describe('merge does what eval does with a finished report', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // Label 1, Dice by hand: a 1, b 2·1/(2+1) = 2/3, c 2·2/(2+3) = 4/5; c's prediction
    // also holds label 9, found in no ground truth (a warning).
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
    ws.addCase('b', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
    ws.addCase('c', row([1, 1, 0, 0, 0]), row([1, 1, 1, 0, 9]));
    for (const k of [1, 2]) runCli(evalArgs(ws, '--labels', '1', '--shard', `${k}/2`, '--quiet', '--out', ws.path(`s${k}.json`)));
    // A baseline whose mean Dice is higher than this run's (1 + 2/3 + 4/5)/3 = 37/45.
    const base = JSON.parse(runCli(evalArgs(ws, '--labels', '1', '--format', 'json', '--quiet')).stdout);
    base.summary.metrics.dice.mean = 0.9;
    writeFileSync(ws.path('base.json'), JSON.stringify(base));
  });

  it('--gate-case results are in its reports, --baseline/--max-drop checks, warnings on stderr, --github the job summary', () => {
    const summary = ws.path('summary.md');
    const r = runCli(
      ['merge', ws.path('s1.json'), ws.path('s2.json'), '--format', 'json', '--gate-case', 'metrics.dice>=0.7', '--baseline', ws.path('base.json'), '--max-drop', 'metrics.dice.mean=0.01', '--github'],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.status).toBe(1);
    const rep = JSON.parse(r.stdout);
    expect(rep.case_gates).toEqual([{ expr: 'metrics.dice>=0.7', pass: false, evaluated: 3, failures: [{ id: 'b', value: expect.closeTo(2 / 3, 12) }] }]);
    expect(rep.baseline.checks[0]).toMatchObject({ path: 'metrics.dice.mean', baseline: 0.9, pass: false });
    expect(rep.baseline.checks[0].current).toBeCloseTo(37 / 45, 12);
    expect(r.stderr).toMatch(/^warning \(1 case: c\): prediction holds label 9 found in no ground truth/m);
    expect(r.stderr).toMatch(/^gate failed: metrics\.dice>=0\.7 in 1 of 3 cases: b/m);
    expect(r.stderr).toMatch(/metrics\.dice\.mean/);
    expect(readFileSync(summary, 'utf8')).toMatch(/^# segloss report\n/);
    const quiet = runCli(['merge', ws.path('s1.json'), ws.path('s2.json'), '--quiet']);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('checks for named labels that occur nowhere in the whole run', () => {
    for (const k of [1, 2]) runCli(evalArgs(ws, '--labels', '1,50', '--shard', `${k}/2`, '--quiet', '--out', ws.path(`l${k}.json`)));
    const r = runCli(['merge', ws.path('l1.json'), ws.path('l2.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^segloss: --labels: label 50 occurs in no ground truth and no prediction of the run.*labels that occur: 1, 9 /);
    expect(runCli(['merge', ws.path('l1.json'), ws.path('l2.json'), '--allow-absent-labels', '--quiet']).status).toBe(0);
  });
});

describe('workers and the cost of losses', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    ws.addCase('a', row([1, 1, 0, 0]), row([1, 0, 0, 0]));
    ws.addCase('b', row([1, 1, 0, 0]), row([1, 1, 0, 0]));
  });

  it('--workers above the core count is capped with a note', () => {
    const cores = availableParallelism();
    const r = runCli(['eval', '--workers', String(cores + 62), '--pred', ws.pred, '--gt', ws.gt, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`note: --workers ${cores + 62} is more than the ${cores} cores here; using ${cores}\n`);
  });

  it('--losses none: metrics only, the same metrics as a full run', () => {
    const none = JSON.parse(runCli(evalArgs(ws, '--losses', 'none', '--format', 'json')).stdout);
    const full = JSON.parse(runCli(evalArgs(ws, '--format', 'json')).stdout);
    expect(none.config.losses).toEqual([]);
    expect(none.summary.losses).toEqual({});
    expect(none.cases[0].losses).toEqual({});
    // Case a: 2·1/(2+1) = 2/3; b: 1.
    expect(none.cases.map((c: { metrics: { dice: number } }) => c.metrics.dice)).toEqual([expect.closeTo(2 / 3, 12), 1]);
    expect(none.summary.metrics).toEqual(full.summary.metrics);
  });
});

describe('finding the files', () => {
  const dice = (stdout: string) =>
    Object.fromEntries(JSON.parse(stdout).cases.map((c: { id: string; metrics: { dice: number } }) => [c.id, c.metrics.dice]));

  it('--recursive: nested folders, the case id is the path below the folder', () => {
    const ws = space();
    for (const d of ['gt/p1', 'gt/p2', 'pred/p1', 'pred/p2']) mkdirSync(ws.path(d), { recursive: true });
    // p1/t1: 2·1/(2+1) = 2/3; p2/t1: identical masks, 1.
    writeFileSync(ws.path('gt/p1/t1.npy'), row([1, 1, 0, 0]));
    writeFileSync(ws.path('pred/p1/t1.npy'), row([1, 0, 0, 0]));
    writeFileSync(ws.path('gt/p2/t1.npy'), row([1, 1, 0, 0]));
    writeFileSync(ws.path('pred/p2/t1.npy'), row([1, 1, 0, 0]));
    const flat = runCli(evalArgs(ws));
    expect(flat.status).toBe(2); // the top folders hold no data file
    const r = runCli(evalArgs(ws, '--recursive', '--format', 'json'));
    expect(r.status).toBe(0);
    expect(dice(r.stdout)).toEqual({ 'p1/t1': expect.closeTo(2 / 3, 12), 'p2/t1': 1 });
  });

  it('--pred-pattern maps case_seg.npy to case.npy', () => {
    const ws = space();
    writeFileSync(join(ws.gt, 'c1.npy'), row([1, 1, 0, 0]));
    writeFileSync(join(ws.pred, 'c1_seg.npy'), row([1, 0, 0, 0]));
    const r = runCli(evalArgs(ws, '--pred-pattern', '{id}_seg', '--format', 'json'));
    expect(r.status).toBe(0);
    expect(dice(r.stdout)).toEqual({ c1: expect.closeTo(2 / 3, 12) });
    const without = runCli(evalArgs(ws));
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/no prediction in .* matches a ground-truth case/);
  });

  it('--pairs FILE: a CSV of pairs, paths relative to it, without --pred/--gt', () => {
    const ws = space();
    writeFileSync(join(ws.gt, 'x.npy'), row([1, 1, 0, 0]));
    writeFileSync(join(ws.pred, 'whatever.npy'), row([1, 0, 0, 0]));
    writeFileSync(join(ws.gt, 'y.npy'), row([1, 1, 0, 0]));
    writeFileSync(ws.path('pairs.csv'), 'id,gt,pred\nfirst,gt/x.npy,pred/whatever.npy\nsecond,"gt/y.npy",\n');
    const r = runCli(['eval', '--workers', '1', '--pairs', ws.path('pairs.csv'), '--format', 'json']);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.cases.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([['first', 'ok'], ['second', 'missing']]);
    expect(rep.cases[0].metrics.dice).toBeCloseTo(2 / 3, 12);
    writeFileSync(ws.path('bad.csv'), 'a,b\n1,2\n');
    const bad = runCli(['eval', '--pairs', ws.path('bad.csv')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`segloss: --pairs ${ws.path('bad.csv')}: the header must name the columns gt and pred (and optionally id), got "a,b"\n`);
  });
});

describe('label names', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = space();
    // Label 1: |gt| 4, |pred| 3, overlap 3 → 6/7; label 2: |gt| 2, |pred| 4, overlap 2 → 2/3.
    ws.addCase('m', row([1, 1, 1, 1, 2, 2, 0, 0]), row([1, 1, 1, 0, 2, 2, 2, 2]));
  });

  it('--label-names shows the names in the JSON config, the table, Markdown and CSV', () => {
    const names = ['--label-names', '1=liver,2=spleen'];
    const json = JSON.parse(runCli(evalArgs(ws, ...names, '--format', 'json')).stdout);
    expect(json.config.label_names).toEqual({ 1: 'liver', 2: 'spleen' });
    expect(json.cases[0].labels['1'].dice).toBeCloseTo(6 / 7, 12);
    expect(runCli(evalArgs(ws, ...names)).stdout).toMatch(/│ label 1 \(liver\) +│/);
    expect(runCli(evalArgs(ws, ...names, '--format', 'markdown')).stdout).toMatch(/^\| 1 \(liver\) \| 0\.8571 \|/m);
    const csv = runCli(evalArgs(ws, ...names, '--format', 'csv')).stdout.split('\r\n');
    expect(csv[0]).toMatch(/^id,label,label_name,status,dice,/);
    expect(csv[2]).toMatch(/^m,1,liver,ok,0\.857142857142857/);
  });

  it('--dataset-json: names from nnU-Net labels, and its regions (lists of labels) as regions', () => {
    const plain = ws.write('dataset.json', JSON.stringify({ labels: { background: 0, liver: 1, spleen: 2 }, numTraining: 1 }));
    const j = JSON.parse(runCli(evalArgs(ws, '--dataset-json', plain, '--format', 'json')).stdout);
    expect(j.config.label_names).toEqual({ 0: 'background', 1: 'liver', 2: 'spleen' });
    const regions = ws.write('regions.json', JSON.stringify({ labels: { background: 0, whole: [1, 2], core: [2] }, regions_class_order: [1, 2] }));
    const r = JSON.parse(runCli(evalArgs(ws, '--dataset-json', regions, '--format', 'json')).stdout);
    expect(r.config.regions).toEqual({ whole: [1, 2], core: [2] });
    // whole = labels 1∪2: gt 6 voxels, pred 7, overlap 5 → 10/13; core = label 2 → 2/3.
    expect(r.cases[0].labels.whole.dice).toBeCloseTo(10 / 13, 12);
    expect(r.cases[0].labels.core.dice).toBeCloseTo(2 / 3, 12);
    const bad = runCli(evalArgs(ws, '--dataset-json', ws.write('x.json', '{"name": "x"}')));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^segloss: --dataset-json .*x\.json: no "labels" object/);
  });
});
