// The readers' public face: one call that reads any supported file into a RawArray,
// and the case-id rule the CLI uses to pair files. Every failure is an InputError.
import { InputError, type RawArray } from '../types.js';
import { fileKindOf } from './formats.js';
import { readNifti } from './nifti.js';
import { readNpy } from './npy.js';
import { readNpz } from './npz.js';
import type { ReadOptions } from './options.js';
import { readPng } from './png.js';
import { readMetaImage } from './metaImage.js';
import { readNrrd } from './nrrd.js';
import { readTiff } from './tiff.js';

export type { ReadOptions } from './options.js';
export { DEFAULT_MAX_VOXELS } from './options.js';
export { caseIdOf } from './formats.js';
export { readPng } from './png.js';
export { readNifti } from './nifti.js';
export { readNpy, parseNpy } from './npy.js';
export { readNpz } from './npz.js';
export { readMetaImage } from './metaImage.js';
export { readNrrd } from './nrrd.js';
export { readTiff } from './tiff.js';

/** Read a .png, .nii(.gz), .npy, .npz, .mha/.mhd, .nrrd/.nhdr or .tif(f) file (extension matched case-insensitively). */
export async function readArray(path: string, opts?: ReadOptions): Promise<RawArray> {
  const kind = fileKindOf(path);
  switch (kind?.format) {
    case 'png':
      return readPng(path, opts);
    case 'nifti':
      return readNifti(path, opts);
    case 'npy':
      return readNpy(path, opts);
    case 'npz':
      return readNpz(path, opts);
    case 'metaimage':
      return readMetaImage(path, opts);
    case 'nrrd':
      return readNrrd(path, opts);
    case 'tiff':
      return readTiff(path, opts);
    case 'jpeg':
      throw new InputError(path, 'JPEG is lossy: artefacts change label values; use PNG, TIFF or NIfTI');
    default:
      throw new InputError(path, 'unsupported file type (expected .png, .nii, .nii.gz, .npy, .npz, .mha, .mhd, .nrrd, .nhdr, .tif or .tiff)');
  }
}
