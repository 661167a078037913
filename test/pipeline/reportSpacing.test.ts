// Spacing in one order from the ground truth to the report: the engine's axes, fastest
// first (x, y, z; a PNG's width, height), which is the order --spacing takes. The report's
// `spacing` is the spacing the engine used.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

const GOLDEN = join(ROOT, 'fixtures', 'golden');
const evalJson = (suite: string, ...flags: string[]) => {
  const r = runCli(['eval', '--pred', join(GOLDEN, suite, 'pred'), '--gt', join(GOLDEN, suite, 'gt'), '--format', 'json', '--quiet', ...flags]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout).cases as { shape: number[]; spacing: number[]; voxel_volume_mm3: number | null }[];
};

describe('the report spacing', () => {
  it('is a NIfTI header pixdim[1..3] in x, y, z order, next to the file shape', () => {
    // n01.nii.gz: dim 48 × 40 × 24, pixdim 0.8, 0.8, 2.5 stored as float32 (read with Python's struct).
    const [n01] = evalJson('nifti_binary');
    expect(n01.shape).toEqual([48, 40, 24]);
    expect(n01.spacing).toEqual([Math.fround(0.8), Math.fround(0.8), 2.5]);
    expect(n01.voxel_volume_mm3).toBe(Math.fround(0.8) * Math.fround(0.8) * 2.5);
  });

  it("is --spacing as given (x = a PNG's width first), while the shape is the file's height, width", () => {
    // m00_palette.png: IHDR width 80, height 64.
    const cases = evalJson('png_multiclass', '--spacing', '0.5,2');
    for (const c of cases) {
      expect(c.shape).toEqual([64, 80]);
      expect(c.spacing).toEqual([0.5, 2]);
      expect(c.voxel_volume_mm3).toBe(1);
    }
  });

  it('is 1 per axis of the file without a header spacing or --spacing', () => {
    const cases = evalJson('png_multiclass');
    for (const c of cases) expect(c).toMatchObject({ shape: [64, 80], spacing: [1, 1], voxel_volume_mm3: null });
  });
});
