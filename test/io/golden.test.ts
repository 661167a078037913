// Every ground truth and prediction of the golden suites decodes (the reference oracle
// wrote them with numpy/nibabel/PIL); the damaged ones fail with the expected reason.
// Reads the repo's copy under fixtures/golden and skips, saying so, when it is absent.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseIdOf, readArray } from '../../src/io/index.js';
import { InputError } from '../../src/types.js';

const GOLDEN = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');
const present = existsSync(GOLDEN);

/** Files that are damaged on purpose, and what reading them must say. */
const DAMAGED: Record<string, RegExp> = {
  'bad_input/pred/b04_truncated.nii.gz': /cannot read NIfTI \(compressed file is truncated\)/,
  'formats_bad/gt/z03_jpeg_gt.jpeg': /JPEG is lossy: artefacts change label values; use PNG, TIFF or NIfTI/,
  'formats_bad/pred/z02_jpeg_pred.jpg': /JPEG is lossy: artefacts change label values; use PNG, TIFF or NIfTI/,
  'formats_bad/pred/z04_nrrd_bzip2.nrrd': /cannot read NRRD \(unsupported NRRD encoding "bzip2"/,
  'formats_bad/pred/z05_mhd_missing.mhd': /cannot read MetaImage \(data file z05_mhd_missing\.raw: file not found\)/,
  'formats_bad/pred/z06_mhd_list.mhd': /cannot read MetaImage \(ElementDataFile = LIST 2D: a list or pattern of slice files is not supported\)/,
  'formats_bad/pred/z07_tiff_pages.tif': /cannot read TIFF \(page \d+ is \d+×\d+, page 0 is 20×16: a stack's pages must have one size\)/,
  'formats_bad/pred/z09_seg_two_layers.seg.nrrd': /cannot read NRRD \(multi-layer \.seg\.nrrd: export a label map\)/,
  'formats_bad/pred/z10_mha_truncated.mha': /cannot read MetaImage \(data are truncated/,
  'formats_bad/pred/z11_mha_zlib_corrupt.mha': /cannot read MetaImage \(corrupt compressed data/,
  'formats_bad/pred/z12_tiff_jpeg.tif': /cannot read TIFF \(page 0 is JPEG-compressed \(compression 7\)/,
};

function dataFiles(): string[] {
  if (!present) return [];
  const out: string[] = [];
  for (const suite of readdirSync(GOLDEN, { withFileTypes: true })) {
    if (!suite.isDirectory()) continue;
    for (const side of ['gt', 'pred']) {
      const dir = join(GOLDEN, suite.name, side);
      if (!existsSync(dir)) continue;
      // Detached data files (.raw, .zraw, .raw.gz) are read through their headers.
      for (const name of readdirSync(dir).sort()) if (caseIdOf(name) !== null) out.push(`${suite.name}/${side}/${name}`);
    }
  }
  return out;
}

describe.skipIf(!present)('golden fixtures decode (fixtures/golden)', () => {
  const files = dataFiles();

  it('found the suites', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files.filter((f) => !DAMAGED[f]))('%s', async (rel) => {
    const r = await readArray(join(GOLDEN, rel));
    const count = r.shape.reduce((a, b) => a * b, 1);
    expect(r.data.length).toBe(count);
    if (r.format === 'nifti' || r.format === 'metaimage') expect(r.spacing?.length).toBe(Math.min(3, r.shape.length));
    // Ground truths are label maps: labels 0..4, the 255 void label, or a 0/65535 mask.
    if (rel.includes('/gt/')) {
      const odd = Array.from(r.data).filter((v) => !(Number.isInteger(v) && ((v >= 0 && v <= 4) || v === 255 || v === 65535)));
      expect(odd).toEqual([]);
    }
  });

  it.each(Object.entries(DAMAGED))('%s is refused', async (rel, fragment) => {
    const err = await readArray(join(GOLDEN, rel)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(fragment);
  });
});

it.skipIf(present)('golden fixtures: skipped, fixtures/golden is not in this checkout', () => {});
