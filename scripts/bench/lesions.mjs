// Bench rows for `--lesions` (issue 10), run by scripts/bench.mjs as workloads L1 and L5:
//   L1  W1's 512×512×300 volume with ~400 extra small balls (hundreds of components per
//       side), the CLI without and with --lesions: target, the lesion work adds at most
//       1× the run's own time.
//   L5  W5's 300 PNG pairs, without and with --lesions: target ≤ 1.5× the time.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti } from './formats.mjs';
import { ctGeometry, generate, rng, SHAPES } from './workloads.mjs';

export const LESION_WORKLOADS = ['L1', 'L5'];

/** A ball of `r` voxels (in-plane; r/3 along z for the 2.5 mm slices) at c, x fastest. */
function ball(a, dims, c, r, value) {
  const [X, Y, Z] = dims;
  const rz = Math.max(1, Math.round(r / 3));
  for (let z = Math.max(0, c[2] - rz); z <= Math.min(Z - 1, c[2] + rz); z++) {
    for (let y = Math.max(0, c[1] - r); y <= Math.min(Y - 1, c[1] + r); y++) {
      for (let x = Math.max(0, c[0] - r); x <= Math.min(X - 1, c[0] + r); x++) {
        const d = ((x - c[0]) / r) ** 2 + ((y - c[1]) / r) ** 2 + ((z - c[2]) / rz) ** 2;
        if (d <= 1) a[x + X * (y + Y * z)] = value;
      }
    }
  }
}

/** W1's geometry plus `count` small lesions: the prediction shifts each by a voxel, misses 10 %, adds 10 % spurious ones. */
function manyLesions(shape, count) {
  const { gt, pred } = ctGeometry(shape, 1);
  const { dims } = shape;
  const random = rng(777);
  const at = () => dims.map((d) => 4 + Math.floor(random() * (d - 8)));
  for (let k = 0; k < count; k++) {
    const c = at();
    const r = 2 + Math.floor(random() * 4);
    ball(gt, dims, c, r, 1);
    if (random() >= 0.1) ball(pred, dims, [c[0] + (random() < 0.5 ? 1 : -1), c[1], c[2]], r, 1);
  }
  for (let k = 0; k < count / 10; k++) ball(pred, dims, at(), 2 + Math.floor(random() * 3), 1);
  return { gt, pred };
}

/**
 * The L rows. `h` = the bench's helpers: cli(label, gt, pred, flags, cases), runRow(w, r,
 * voxels, floor, note), target(name, value, limit, met, shown), log, work, quick, W (the
 * workloads already generated).
 */
export async function lesionBench(ids, h) {
  const results = {};
  const fmtS = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const ok = (r) => r && !r.problem;
  if (ids.includes('L1')) {
    const S = h.quick ? SHAPES.quick : SHAPES.full;
    const count = h.quick ? 60 : 400;
    h.log(`L1: ${S.ct.dims.join('×')} binary label maps with ${count} extra small lesions`);
    const { gt, pred } = manyLesions(S.ct, count);
    const d = join(h.work, 'L1');
    mkdirSync(d, { recursive: true });
    const gtPath = join(d, 'gt.nii.gz');
    const predPath = join(d, 'pred.nii.gz');
    writeNifti(gtPath, gt, S.ct.dims, S.ct.spacing, 6);
    writeNifti(predPath, pred, S.ct.dims, S.ct.spacing, 6);
    const voxels = gt.length;
    const plain = await h.cli('L1', gtPath, predPath, ['--workers', '2'], 1);
    plain.run = 'W1 with many lesions, CLI';
    const les = await h.cli('L1', gtPath, predPath, ['--workers', '2', '--lesions', '--out', join(d, 'report.json')], 1);
    les.run = 'W1 with many lesions, CLI --lesions';
    h.runRow('L1', plain, voxels, null);
    h.runRow('L1', les, voxels, null);
    results.L1 = { voxels, lesionsAdded: count, cli: [plain, les] };
    const name = 'L1 --lesions adds ≤ 1× the run time (W1, hundreds of lesions)';
    if (ok(plain) && ok(les)) {
      const x = (les.seconds - plain.seconds) / plain.seconds;
      h.target(name, x, 1, x <= 1, `${x.toFixed(2)}× added (${fmtS(les.seconds)} s vs ${fmtS(plain.seconds)} s)`);
    } else h.target(name, null, 1, null, 'not measured');
  }
  if (ids.includes('L5')) {
    const w5 = h.W.W5 ?? (await generate(h.work, ['W5'], h.quick, (s) => h.log(`generate ${s}`))).W5;
    // W5's PNG cases only, copied into their own folders.
    const d = join(h.work, 'L5');
    const gtDir = join(d, 'gt');
    const predDir = join(d, 'pred');
    mkdirSync(gtDir, { recursive: true });
    mkdirSync(predDir, { recursive: true });
    const pngs = readdirSync(w5.gt).filter((f) => f.endsWith('.png'));
    for (const f of pngs) {
      copyFileSync(join(w5.gt, f), join(gtDir, f));
      copyFileSync(join(w5.pred, f), join(predDir, f));
    }
    const plain = await h.cli('L5', gtDir, predDir, ['--workers', '2'], pngs.length);
    plain.run = 'W5 PNG cases, CLI --workers 2';
    const les = await h.cli('L5', gtDir, predDir, ['--workers', '2', '--lesions'], pngs.length);
    les.run = 'W5 PNG cases, CLI --workers 2 --lesions';
    const voxels = pngs.length * (h.quick ? SHAPES.quick : SHAPES.full).batch.pngSize ** 2;
    h.runRow('L5', plain, voxels, null);
    h.runRow('L5', les, voxels, null);
    results.L5 = { cases: pngs.length, voxels, cli: [plain, les] };
    const name = 'L5 --lesions ≤ 1.5× the time on W5 PNG cases';
    if (ok(plain) && ok(les)) {
      const x = les.seconds / plain.seconds;
      h.target(name, x, 1.5, x <= 1.5, `${x.toFixed(2)}× (${fmtS(les.seconds)} s vs ${fmtS(plain.seconds)} s)`);
    } else h.target(name, null, 1.5, null, 'not measured');
  }
  return results;
}
