// Geometry checks (formats.md "Geometry checks"): the pure comparison at the pairing step,
// NIfTI's sform/qform in LPS, and --geometry through the built CLI.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { niftiGeometry, quaternionColumns } from '../../src/io/niftiGeometry.js';
import { compareGeometry } from '../../src/pipeline/geometry.js';
import type { Geometry } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { metaImage } from '../helpers/formats.js';
import { scratch } from '../helpers/tmp.js';

const I3: Geometry = { direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], origin: [0, 0, 0] };

describe('compareGeometry', () => {
  it('the same geometry: no error, no warning', () => {
    expect(compareGeometry(I3, structuredClone(I3), [1, 1, 1], 'error')).toEqual({ error: null, warnings: [] });
  });

  it('a direction element off by more than 1e-3 is an error by default, a warning under warn, nothing under ignore', () => {
    const flipped: Geometry = { direction: [[1, 0, 0], [0, -1, 0], [0, 0, 1]], origin: [0, 0, 0] };
    const e = compareGeometry(I3, flipped, null, 'error');
    expect(e.error).toMatch(/^orientation differs from ground truth: pred directions \[\[1, 0, 0\], \[0, -1, 0\], \[0, 0, 1\]\] vs gt \[\[1, 0, 0\], \[0, 1, 0\], \[0, 0, 1\]\]/);
    const w = compareGeometry(I3, flipped, null, 'warn');
    expect(w.error).toBeNull();
    expect(w.warnings).toHaveLength(1);
    expect(w.warnings[0]).toMatch(/orientation differs from ground truth.*evaluated voxel by voxel/);
    expect(compareGeometry(I3, flipped, null, 'ignore')).toEqual({ error: null, warnings: [] });
  });

  it('the 1e-3 tolerance: 0.0009 passes, 0.0011 fails', () => {
    const near = (d: number): Geometry => ({ direction: [[1 - d, d, 0], [0, 1, 0], [0, 0, 1]], origin: [0, 0, 0] });
    expect(compareGeometry(I3, near(0.0009), null, 'error').error).toBeNull();
    expect(compareGeometry(I3, near(0.0011), null, 'error').error).not.toBeNull();
  });

  it('an origin more than half a gt voxel off along a gt axis warns, in gt voxel units', () => {
    // gt axis 2 has spacing 2 mm: 0.9 mm = 0.45 voxel (fine), 1.2 mm = 0.6 voxel (warned).
    const shifted = (z: number): Geometry => ({ ...I3, origin: [0, 0, z] });
    expect(compareGeometry(I3, shifted(0.9), [1, 1, 2], 'error').warnings).toEqual([]);
    const w = compareGeometry(I3, shifted(1.2), [1, 1, 2], 'error').warnings;
    expect(w).toEqual(['origin differs from ground truth by more than half a voxel: pred [0, 0, 1.2] vs gt [0, 0, 0] mm (LPS), [0, 0, 0.6] gt voxels along its axes']);
    // Along a rotated gt axis: gt axis 0 points along LPS y, so a shift in y is an axis-0 shift.
    const rotated: Geometry = { direction: [[0, 1, 0], [-1, 0, 0], [0, 0, 1]], origin: [0, 0, 0] };
    expect(compareGeometry(rotated, { ...rotated, origin: [0, 3, 0] }, [2, 1, 1], 'error').warnings[0]).toMatch(/\[1\.5, 0, 0\] gt voxels/);
    expect(compareGeometry(I3, shifted(5), [1, 1, 1], 'ignore').warnings).toEqual([]);
  });

  it('checked only when both files have geometry', () => {
    expect(compareGeometry(null, I3, null, 'error')).toEqual({ error: null, warnings: [] });
    expect(compareGeometry(I3, undefined, null, 'error')).toEqual({ error: null, warnings: [] });
  });
});

describe('NIfTI geometry in LPS', () => {
  const base = { qformCode: 0, sformCode: 0, qfac: 1, quatern: [0, 0, 0] as [number, number, number], qoffset: [10, 20, 30] as [number, number, number], srow: [[-2, 0, 0, 5], [0, 3, 0, 6], [0, 0, 4, 7]] };

  it('sform when sform_code > 0: unit columns, x and y negated (RAS → LPS)', () => {
    // columns (-2,0,0), (0,3,0), (0,0,4) → LPS (2,0,0), (0,-3,0), (0,0,4) → units; origin (5,6,7) → (-5,-6,7).
    expect(niftiGeometry({ ...base, sformCode: 1, qformCode: 1 }, 3)).toEqual({ direction: [[1, 0, 0], [0, -1, 0], [0, 0, 1]], origin: [-5, -6, 7] });
  });

  it('else qform when qform_code > 0: a 180° turn about z (b = c = 0, d = 1) is LPS identity; qfac -1 flips axis 2', () => {
    // R = diag(-1, -1, 1) in RAS; negating rows x and y gives the identity in LPS.
    const g = niftiGeometry({ ...base, qformCode: 1, quatern: [0, 0, 1] }, 3)!;
    expect(g.direction).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(g.origin).toEqual([-10, -20, 30]);
    expect(quaternionColumns([0, 0, 0], -1)).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, -1]]);
  });

  it('no transform (both codes 0): no geometry', () => {
    expect(niftiGeometry(base, 3)).toBeNull();
  });
});

describe('--geometry through the CLI', () => {
  const tmp = scratch('segloss-geometry-');
  afterAll(() => tmp.cleanup());
  const gtDir = join(tmp.dir, 'gt');
  const predDir = join(tmp.dir, 'pred');
  mkdirSync(gtDir);
  mkdirSync(predDir);
  const values = Array.from({ length: 24 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  tmp.write('gt/c1.mha', metaImage({ dims: [4, 3, 2], type: 'u8', values, fields: { TransformMatrix: '1 0 0 0 1 0 0 0 1', ElementSpacing: '1 1 1' } }).file);
  tmp.write('pred/c1.mha', metaImage({ dims: [4, 3, 2], type: 'u8', values, fields: { TransformMatrix: '-1 0 0 0 1 0 0 0 1', ElementSpacing: '1 1 1' } }).file);
  const run = (mode?: string) => {
    const r = runCli(['eval', '--pred', predDir, '--gt', gtDir, '--format', 'json', ...(mode ? ['--geometry', mode] : [])]);
    return { status: r.status, report: JSON.parse(r.stdout) };
  };

  it('default error: the case is an error naming the prediction, exit 1; config.geometry records the mode', () => {
    const { status, report } = run();
    expect(status).toBe(1);
    expect(report.cases[0].status).toBe('error');
    expect(report.cases[0].error).toMatch(new RegExp(`^${join(predDir, 'c1.mha').replace(/[.]/g, '\\.')}: orientation differs from ground truth`));
    expect(report.config.geometry).toBe('error');
  });

  it('warn: evaluated voxel by voxel (dice 1 for identical arrays) with the warning; ignore: no warning', () => {
    const warn = run('warn');
    expect(warn.report.cases[0].status).toBe('ok');
    expect(warn.report.cases[0].metrics.dice).toBe(1);
    expect(warn.report.cases[0].warnings.join('\n')).toMatch(/orientation differs from ground truth/);
    expect(warn.report.config.geometry).toBe('warn');
    const ignore = run('ignore');
    expect(ignore.report.cases[0].status).toBe('ok');
    expect(ignore.report.cases[0].warnings).toEqual([]);
  });
});

describe('inspect shows each format\'s header fields and geometry', () => {
  const golden = (rel: string) => join('fixtures', 'golden', rel);
  it('MetaImage, NRRD (RAS read as LPS) and TIFF through the built CLI', () => {
    const files = ['formats_mha/gt/m01_itk_uchar.mha', 'formats_nrrd/gt/n05_ras_gt_list_last_logits.nrrd', 'formats_tiff/pred/t06_stack_imagej_tiled_logits.tif'].map(golden);
    const r = runCli(['inspect', '--format', 'json', ...files]);
    expect(r.status).toBe(0);
    const [mha, nrrdInfo, tif] = JSON.parse(r.stdout);
    // TransformMatrix -1 0 0 0 -1 0 0 0 1, Offset 112.5 80.25 -41: as written (MetaImage is LPS).
    expect(mha.geometry).toEqual({ direction: [[-1, 0, 0], [0, -1, 0], [0, 0, 1]], origin: [112.5, 80.25, -41] });
    expect(mha.header).toMatchObject({ ElementType: 'MET_UCHAR', DimSize: '20 16 8', AnatomicalOrientation: 'LPI' });
    // space RAS, first direction (-1.0759623608071864, -0.22870285989953532, 0), norm 1.1:
    // LPS (0.97814760…, 0.20791169…, 0); origin RAS (30.5, -12, 7.25) → LPS (-30.5, 12, 7.25).
    expect(nrrdInfo.spacing[0]).toBeCloseTo(1.1, 12);
    expect(nrrdInfo.geometry.direction[0][0]).toBeCloseTo(1.0759623608071864 / 1.1, 12);
    expect(nrrdInfo.geometry.direction[0][1]).toBeCloseTo(0.22870285989953532 / 1.1, 12);
    expect(nrrdInfo.geometry.origin).toEqual([-30.5, 12, 7.25]);
    expect(nrrdInfo.header).toMatchObject({ space: 'right-anterior-superior', type: 'int', encoding: 'raw' });
    expect(tif.axes).toBe('pages (z), height, width');
    expect(tif.header).toMatchObject({ pages: '8', sample_format: 'float' });
    expect(tif.geometry).toBeUndefined();
    const text = runCli(['inspect', files[1]]).stdout;
    expect(text).toMatch(/geometry\s+LPS directions \(0\.978148, 0\.207912, 0\)/);
  });
});
