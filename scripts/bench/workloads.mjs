// Deterministic benchmark workloads (seeded PRNG): spheres in CT-like volumes, the
// prediction a perturbed copy of the ground truth (shifted and rescaled structures, one
// missed, one spurious), as label maps, logits or softmax, plus a batch of 2D PNG pairs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeMha, writeNifti, writeNpy, writeNpz, writeNrrd, writePngGrey8 } from './formats.mjs';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SHAPES = {
  full: {
    ct: { dims: [512, 512, 300], spacing: [0.8, 0.8, 2.5] },
    mc: { dims: [256, 256, 128], spacing: [1, 1, 1.5] },
    batch: { png: 300, pngSize: 512, vols: 20, volDims: [96, 96, 64] },
  },
  quick: {
    ct: { dims: [128, 128, 75], spacing: [0.8, 0.8, 2.5] },
    mc: { dims: [64, 64, 32], spacing: [1, 1, 1.5] },
    batch: { png: 30, pngSize: 128, vols: 4, volDims: [32, 32, 16] },
  },
};

/** Paints a ball (radius in mm) into a label volume, x fastest. */
function paintBall(a, dims, spacing, s) {
  const [X, Y, Z] = dims;
  const [sx, sy, sz] = spacing;
  const [cx, cy, cz] = s.c;
  const r2 = s.r * s.r;
  const z0 = Math.max(0, Math.ceil(cz - s.r / sz));
  const z1 = Math.min(Z - 1, Math.floor(cz + s.r / sz));
  for (let z = z0; z <= z1; z++) {
    const dz = (z - cz) * sz;
    const ry2 = r2 - dz * dz;
    if (ry2 < 0) continue;
    const ry = Math.sqrt(ry2) / sy;
    const y0 = Math.max(0, Math.ceil(cy - ry));
    const y1 = Math.min(Y - 1, Math.floor(cy + ry));
    for (let y = y0; y <= y1; y++) {
      const dy = (y - cy) * sy;
      const rx2 = ry2 - dy * dy;
      if (rx2 < 0) continue;
      const rx = Math.sqrt(rx2) / sx;
      const x0 = Math.max(0, Math.ceil(cx - rx));
      const x1 = Math.min(X - 1, Math.floor(cx + rx));
      if (x1 >= x0) a.fill(s.label, x0 + X * (y + Y * z), x1 + 1 + X * (y + Y * z));
    }
  }
}

/** `count` balls inside the field of view, radius 3–8 % of its smallest extent. */
function balls(random, dims, spacing, count, labelOf) {
  const fov = Math.min(...dims.map((d, k) => d * spacing[k]));
  const out = [];
  for (let k = 0; k < count; k++) {
    const r = fov * (0.03 + 0.05 * random());
    const c = dims.map((d, j) => {
      const m = Math.min(d / 2 - 1, r / spacing[j] + 1);
      return m + random() * (d - 2 * m);
    });
    out.push({ c, r, label: labelOf(k) });
  }
  return out;
}

/** The prediction's balls: each shifted by up to 2 voxels (1 along z) and rescaled ±10 %; the first missed; one spurious. */
function perturb(random, list, dims, spacing) {
  const out = list.slice(1).map((s) => ({
    c: s.c.map((v, j) => v + Math.round((random() * 2 - 1) * (j === 2 ? 1 : 2))),
    r: s.r * (0.9 + 0.2 * random()),
    label: s.label,
  }));
  const spurious = balls(random, dims, spacing, 1, () => list[list.length - 1].label)[0];
  spurious.r *= 0.5;
  out.push(spurious);
  return out;
}

function labelVolume(dims, spacing, list) {
  const a = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const s of list) paintBall(a, dims, spacing, s);
  return a;
}

/** W1/W4 geometry: ten balls; W1 labels them all 1, W4 labels them 1..10. */
export function ctGeometry(shape, labels) {
  const { dims, spacing } = shape;
  const random = rng(20240501);
  const gtBalls = balls(random, dims, spacing, 10, (k) => (labels === 1 ? 1 : 1 + (k % labels)));
  const predBalls = perturb(random, gtBalls, dims, spacing);
  return { gt: labelVolume(dims, spacing, gtBalls), pred: labelVolume(dims, spacing, predBalls) };
}

/**
 * Float32 logits of a binary prediction: ±2.5 from the predicted mask plus noise of unit
 * variance (the sum of three 32-bit uniforms from xorshift32), so the file has the
 * mantissa entropy of real network output: about as many distinct values as float32 has
 * in the range, and no more repeats than real logits have.
 */
export function logitsOf(mask) {
  const z = new Float32Array(mask.length);
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  for (let i = 0; i < mask.length; i++) {
    const u = next() + next() + next();
    z[i] = (mask[i] ? 2.5 : -2.5) + (u - 1.5) * 2;
  }
  return z;
}

/** Channel-planar float32 softmax over C classes: logit 3 for the predicted label, plus noise. */
export function softmaxOf(labels, C) {
  const n = labels.length;
  const out = new Float32Array(C * n);
  const random = rng(77);
  const z = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) {
      z[c] = (c === labels[i] ? 3 : 0) + (random() * 2 - 1);
      if (z[c] > m) m = z[c];
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += z[c] = Math.exp(z[c] - m);
    for (let c = 0; c < C; c++) out[c * n + i] = z[c] / s;
  }
  return out;
}

const voxelsOf = (dims) => dims.reduce((a, b) => a * b, 1);

/**
 * Writes the selected workloads under `root`. Returns, per workload id, what the runner
 * needs: the gt/pred paths (files for one case, folders for a batch), voxels, bytes.
 * `log` reports progress.
 */
export async function generate(root, ids, quick, log, { cases } = {}) {
  const S = quick ? SHAPES.quick : SHAPES.full;
  const out = {};
  const want = (id) => ids.includes(id);
  const dir = (name) => {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  if (want('W1') || want('W2')) {
    const { dims, spacing } = S.ct;
    const n = voxelsOf(dims);
    log(`W1: ${dims.join('×')} binary label maps`);
    const { gt, pred } = ctGeometry(S.ct, 1);
    const d = dir('W1');
    const gtPath = join(d, 'gt.nii.gz');
    const predPath = join(d, 'pred.nii.gz');
    const files = { gt: writeNifti(gtPath, gt, dims, spacing, 6), pred: writeNifti(predPath, pred, dims, spacing, 6) };
    out.W1 = { id: 'W1', gt: gtPath, pred: predPath, cases: 1, voxels: n, rawBytes: 2 * n, fileBytes: files, dims };
    if (want('W2')) {
      log(`W2: float32 logits ${dims.join('×')} (.nii.gz at gzip level 1, as nibabel writes, and .npy)`);
      const z = logitsOf(pred);
      const d2 = dir('W2');
      const nii = join(d2, 'pred_logits.nii.gz');
      const npy = join(d2, 'pred_logits.npy');
      const niiBytes = writeNifti(nii, z, dims, spacing, 1);
      // NumPy (z, y, x), C order: the same bytes as NIfTI's x-fastest layout; segloss reverses the axes.
      const npyBytes = writeNpy(npy, z, dims.slice().reverse());
      out.W2 = { id: 'W2', gt: gtPath, predNii: nii, predNpy: npy, cases: 1, voxels: n, rawBytes: 5 * n, predRawBytes: 4 * n, fileBytes: { gt: files.gt, predNii: niiBytes, predNpy: npyBytes }, dims };
    }
  }

  if (want('W1F')) {
    // W1's volumes once more, as .nii.gz, .mha (zlib) and .nrrd (gzip), all at level 6.
    const { dims, spacing } = S.ct;
    log(`W1F: ${dims.join('×')} binary label maps as .nii.gz, .mha and .nrrd`);
    const { gt, pred } = ctGeometry(S.ct, 1);
    const d = dir('W1F');
    const pair = (ext, write) => {
      const sub = dir(join('W1F', ext));
      mkdirSync(join(sub, 'gt'), { recursive: true });
      mkdirSync(join(sub, 'pred'), { recursive: true });
      write(join(sub, 'gt', `case${ext}`), gt, dims, spacing, 6);
      write(join(sub, 'pred', `case${ext}`), pred, dims, spacing, 6);
      return { gt: join(sub, 'gt'), pred: join(sub, 'pred') };
    };
    out.W1F = { id: 'W1F', dir: d, cases: 1, voxels: voxelsOf(dims), dims, nii: pair('.nii.gz', writeNifti), mha: pair('.mha', writeMha), nrrd: pair('.nrrd', writeNrrd) };
  }

  if (want('W3')) {
    const { dims, spacing } = S.mc;
    const n = voxelsOf(dims);
    const C = 5;
    log(`W3: ${dims.join('×')} labels 0..4, float32 softmax (${C}, ${dims.slice().reverse().join(', ')}) in a deflated .npz`);
    const random = rng(4242);
    const gtBalls = balls(random, dims, spacing, 8, (k) => 1 + (k % 4));
    const predBalls = perturb(random, gtBalls, dims, spacing);
    const gt = labelVolume(dims, spacing, gtBalls);
    const probs = softmaxOf(labelVolume(dims, spacing, predBalls), C);
    const d = dir('W3');
    const gtPath = join(d, 'gt.nii.gz');
    const predPath = join(d, 'pred.npz');
    const gtBytes = writeNifti(gtPath, gt, dims, spacing, 6);
    const predBytes = writeNpz(predPath, 'probabilities', probs, [C, ...dims.slice().reverse()], { deflate: true, level: 6 });
    out.W3 = { id: 'W3', gt: gtPath, pred: predPath, cases: 1, voxels: n, rawBytes: n + 4 * C * n, fileBytes: { gt: gtBytes, pred: predBytes }, dims };
  }

  if (want('W4')) {
    const { dims, spacing } = S.ct;
    const n = voxelsOf(dims);
    log(`W4: ${dims.join('×')} with 10 labels`);
    const { gt, pred } = ctGeometry(S.ct, 10);
    const d = dir('W4');
    const gtPath = join(d, 'gt.nii.gz');
    const predPath = join(d, 'pred.nii.gz');
    const files = { gt: writeNifti(gtPath, gt, dims, spacing, 6), pred: writeNifti(predPath, pred, dims, spacing, 6) };
    out.W4 = { id: 'W4', gt: gtPath, pred: predPath, cases: 1, voxels: n, rawBytes: 2 * n, fileBytes: files, dims };
  }

  if (want('W5')) {
    const { pngSize, vols, volDims } = S.batch;
    // `cases`: a longer batch, the extra cases as PNG pairs.
    const png = cases ? cases - vols : S.batch.png;
    log(`W5: ${png} PNG pairs ${pngSize}×${pngSize} and ${vols} volumes ${volDims.join('×')}`);
    const d = dir('W5');
    const gtDir = dir('W5/gt');
    const predDir = dir('W5/pred');
    const random = rng(555);
    const w = pngSize;
    const disc = (a, cx, cy, r, label) => {
      for (let y = Math.max(0, Math.ceil(cy - r)); y <= Math.min(w - 1, Math.floor(cy + r)); y++) {
        const hw = Math.sqrt(Math.max(0, r * r - (y - cy) ** 2));
        const x0 = Math.max(0, Math.ceil(cx - hw));
        const x1 = Math.min(w - 1, Math.floor(cx + hw));
        if (x1 >= x0) a.fill(label, y * w + x0, y * w + x1 + 1);
      }
    };
    let bytes = 0;
    let voxels = 0;
    const jobs = [];
    for (let k = 0; k < png; k++) {
      const gt = new Uint8Array(w * w);
      const pred = new Uint8Array(w * w);
      for (const label of [1, 2]) {
        const r = w * (0.05 + 0.1 * random());
        const cx = r + random() * (w - 2 * r);
        const cy = r + random() * (w - 2 * r);
        disc(gt, cx, cy, r, label);
        disc(pred, cx + (random() * 2 - 1) * 3, cy + (random() * 2 - 1) * 3, r * (0.9 + 0.2 * random()), label);
      }
      const id = `img_${String(k).padStart(png > 1000 ? 4 : 3, '0')}.png`;
      jobs.push(() => writePngGrey8(join(gtDir, id), gt, w, w), () => writePngGrey8(join(predDir, id), pred, w, w));
      voxels += w * w;
      bytes += 2 * w * w;
    }
    for (let i = 0; i < jobs.length; i += 16) await Promise.all(jobs.slice(i, i + 16).map((f) => f()));
    const spacing = [1, 1, 1.5];
    for (let k = 0; k < vols; k++) {
      const gtBalls = balls(random, volDims, spacing, 3, (j) => 1 + j);
      const predBalls = perturb(random, gtBalls, volDims, spacing);
      const id = `vol_${String(k).padStart(2, '0')}.nii.gz`;
      writeNifti(join(gtDir, id), labelVolume(volDims, spacing, gtBalls), volDims, spacing, 6);
      writeNifti(join(predDir, id), labelVolume(volDims, spacing, predBalls), volDims, spacing, 6);
      voxels += voxelsOf(volDims);
      bytes += 2 * voxelsOf(volDims);
    }
    out.W5 = { id: 'W5', gt: gtDir, pred: predDir, cases: png + vols, voxels, rawBytes: bytes, dir: d };
  }
  return out;
}
