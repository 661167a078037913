// Shared types: the contracts between the readers (src/io), the engine (src/losses)
// and the reporters (src/report). Each stage only sees these shapes, never another
// stage's file formats.

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export type FileFormat = 'png' | 'nifti' | 'npy' | 'npz' | 'metaimage' | 'nrrd' | 'tiff';

/**
 * Where the voxel grid lies in the patient, in LPS (formats.md "Geometry checks").
 * Spatial axes only, x first; a channel axis has none.
 */
export interface Geometry {
  /** direction[k]: unit LPS vector of spatial axis k. */
  direction: number[][];
  /** LPS position (mm) of the first voxel's centre. */
  origin: number[];
}

/** What a prediction holds. Ground truth is always 'labels'. */
export type InputKind = 'labels' | 'probs' | 'logits';

/**
 * An array exactly as a reader decoded it from one file, before it is paired with
 * its ground truth. Values are already in host byte order, NIfTI scaling applied.
 */
export interface RawArray {
  path: string;
  format: FileFormat;
  /** numpy-style dtype name of `data` after decoding: 'bool' | 'uint8' | 'int16' | ... | 'float32' | 'float64'. */
  dtype: string;
  /** True when every value is an integer by construction (integer/bool dtype, unscaled or scaled by an integer slope and intercept). */
  integer: boolean;
  data: NumericArray;
  /**
   * Shape as the file states it: NIfTI dim[1..n] (x, y, z[, c]); PNG [height, width];
   * NumPy the array's shape.
   */
  shape: number[];
  /** Memory order of `data` against `shape`: 'F' = first axis varies fastest (NIfTI, Fortran npy), 'C' = last axis fastest (PNG, C npy). */
  order: 'C' | 'F';
  /** Physical voxel size per spatial axis of `shape` (NIfTI pixdim[1..3], mm). null when the format has none. */
  spacing: number[] | null;
  /** PNG, and TIFF grey/palette pages of 1, 8 or 16 bits (the same binary and v/max rules). */
  png?: {
    bitDepth: number;
    /** The full-scale value of the bit depth: 1, 3, 15, 255 or 65535 (for palette files the largest index it allows). */
    maxValue: number;
    palette: boolean;
  };
  /** NumPy .npz only: the entry that was read. */
  npzKey?: string;
  /** Physical placement (NIfTI sform/qform, MetaImage, NRRD with `space`); absent when the file has none. */
  geometry?: Geometry | null;
  /** Header fields as the file states them, for `inspect` (MetaImage, NRRD, TIFF). */
  header?: Record<string, string>;
  /** Silent decisions the reader made (a zero pixdim taken as 1, scaling applied, …), for the report's warnings. */
  notes?: string[];
}

/**
 * A case's array in the engine's canonical layout: spatial dims fastest-varying first
 * (NIfTI's x, y, z; a PNG's width, height), channels planar (channel c occupies
 * data[c*voxels, (c+1)*voxels)).
 */
export interface Volume {
  data: NumericArray;
  dims: number[];
  channels: number;
  /** mm per voxel along each of dims; null when unknown. */
  spacing: number[] | null;
  kind: InputKind;
  /** True when data holds integers (a label map, or 0/1 probabilities). */
  integer: boolean;
  /** Quantised probabilities (8/16-bit PNG): data holds integers v and p = v / quantMax. */
  quantMax?: number;
}

export { InputError } from './errors.js';
