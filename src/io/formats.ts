// Which reader a file name calls for, and the case id it contributes (spec: "Case id =
// file name without its format extension"). Extensions match case-insensitively.
import { basename } from 'node:path';
import type { FileFormat } from '../types.js';

// Longest first, so "x.nii.gz" is a NIfTI file named "x", not an unknown ".gz".
// JPEG names a case only so that the case can say why it is refused (formats.md).
const EXTENSIONS: ReadonlyArray<readonly [string, FileFormat | 'jpeg']> = [
  ['.nii.gz', 'nifti'],
  ['.nii', 'nifti'],
  ['.png', 'png'],
  ['.npy', 'npy'],
  ['.npz', 'npz'],
  ['.mha', 'metaimage'],
  ['.mhd', 'metaimage'],
  ['.seg.nrrd', 'nrrd'],
  ['.nrrd', 'nrrd'],
  ['.nhdr', 'nrrd'],
  ['.tiff', 'tiff'],
  ['.tif', 'tiff'],
  ['.jpeg', 'jpeg'],
  ['.jpg', 'jpeg'],
];

export interface FileKind {
  format: FileFormat | 'jpeg';
  /** The matched extension, lower case (".nii.gz"). */
  extension: string;
  /** The file name without that extension. */
  stem: string;
}

/** Format of a path's file name, or null when it is not a supported data file. */
export function fileKindOf(path: string): FileKind | null {
  const name = basename(path);
  const lower = name.toLowerCase();
  for (const [extension, format] of EXTENSIONS) {
    if (lower.endsWith(extension) && name.length > extension.length) {
      return { format, extension, stem: name.slice(0, name.length - extension.length) };
    }
  }
  return null;
}

/** File name without its format extension; null when not a supported data file. */
export function caseIdOf(fileName: string): string | null {
  return fileKindOf(fileName)?.stem ?? null;
}
