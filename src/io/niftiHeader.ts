// NIfTI-1 / NIfTI-2 header parsing, by hand: the fields we need sit at fixed offsets, and
// an own parser can validate every one of them (nifti-reader-js does not check dims,
// offsets or datatypes). Pure: bytes in, header or FormatError out.
import { FormatError } from './errors.js';
import type { StoredType } from './elements.js';

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[1..dim[0]], as stored. */
  dims: number[];
  /** pixdim[1..dim[0]], as stored (float32 for NIfTI-1, widened exactly to float64). */
  pixdim: number[];
  datatype: number;
  stored: StoredType;
  /** Byte offset of the first voxel. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  /** Orientation fields (niftiGeometry.ts turns them into LPS directions). */
  orientation?: NiftiOrientation;
}

export interface NiftiOrientation {
  qformCode: number;
  sformCode: number;
  /** pixdim[0]: qfac, the sign of the third axis in the qform. */
  qfac: number;
  /** quatern_b, c, d. */
  quatern: [number, number, number];
  /** qoffset_x, y, z. */
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z: the sform's three rows of 4. */
  srow: number[][];
}

/** Bytes to read before calling parseNiftiHeader: the NIfTI-2 header plus its extension flag. */
export const NIFTI_HEADER_BYTES = 544;

const SIZEOF_HDR_1 = 348;
const SIZEOF_HDR_2 = 540;

/** NIfTI datatype codes we can decode, with how each is stored. */
const DATATYPES: Record<number, StoredType & { name: string }> = {
  2: { name: 'uint8', kind: 'uint', bytes: 1 },
  4: { name: 'int16', kind: 'int', bytes: 2 },
  8: { name: 'int32', kind: 'int', bytes: 4 },
  16: { name: 'float32', kind: 'float', bytes: 4 },
  64: { name: 'float64', kind: 'float', bytes: 8 },
  256: { name: 'int8', kind: 'int', bytes: 1 },
  512: { name: 'uint16', kind: 'uint', bytes: 2 },
  768: { name: 'uint32', kind: 'uint', bytes: 4 },
  1024: { name: 'int64', kind: 'int', bytes: 8 },
  1280: { name: 'uint64', kind: 'uint', bytes: 8 },
};

/** Codes that are valid NIfTI but hold no single scalar per voxel. */
const REFUSED_DATATYPES: Record<number, string> = {
  0: 'datatype 0 (unknown)',
  1: 'datatype 1 (1-bit binary)',
  32: 'datatype 32 (complex64)',
  128: 'datatype 128 (RGB24)',
  1536: 'datatype 1536 (float128)',
  1792: 'datatype 1792 (complex128)',
  2048: 'datatype 2048 (complex256)',
  2304: 'datatype 2304 (RGBA32)',
};

export function parseNiftiHeader(bytes: Uint8Array): NiftiHeader {
  if (bytes.length < SIZEOF_HDR_1) {
    throw new FormatError(`file is too short for a NIfTI header (${bytes.length} bytes, need at least ${SIZEOF_HDR_1})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  // sizeof_hdr is both the version mark and the byte-order mark: read in the wrong
  // order, 348 and 540 come out as other numbers.
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  let version: 1 | 2;
  let littleEndian: boolean;
  if (le === SIZEOF_HDR_1 || le === SIZEOF_HDR_2) {
    littleEndian = true;
    version = le === SIZEOF_HDR_1 ? 1 : 2;
  } else if (be === SIZEOF_HDR_1 || be === SIZEOF_HDR_2) {
    littleEndian = false;
    version = be === SIZEOF_HDR_1 ? 1 : 2;
  } else {
    throw new FormatError(`not a NIfTI file (sizeof_hdr is ${le}, expected 348 or 540)`);
  }
  if (version === 2 && bytes.length < SIZEOF_HDR_2) {
    throw new FormatError(`file is too short for a NIfTI-2 header (${bytes.length} bytes, need ${SIZEOF_HDR_2})`);
  }
  return version === 1 ? parseVersion1(view, littleEndian) : parseVersion2(view, littleEndian);
}

function parseVersion1(view: DataView, le: boolean): NiftiHeader {
  const magic = latin1(view, 344, 4);
  if (magic === 'ni1\0') {
    throw new FormatError("header says the voxels are in a separate .img file (magic 'ni1'); only single-file .nii is supported");
  }
  if (magic !== 'n+1\0') {
    throw new FormatError(`bad NIfTI-1 magic ${JSON.stringify(magic)} (expected "n+1"; ANALYZE 7.5 is not supported)`);
  }
  const ndim = view.getInt16(40, le);
  checkNdim(ndim);
  const dims: number[] = [];
  const pixdim: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    dims.push(view.getInt16(40 + 2 * i, le));
    pixdim.push(view.getFloat32(76 + 4 * i, le));
  }
  return finish({
    version: 1,
    littleEndian: le,
    dims,
    pixdim,
    datatype: view.getInt16(70, le),
    voxOffset: view.getFloat32(108, le),
    sclSlope: view.getFloat32(112, le),
    sclInter: view.getFloat32(116, le),
    orientation: {
      qformCode: view.getInt16(252, le),
      sformCode: view.getInt16(254, le),
      qfac: view.getFloat32(76, le),
      quatern: [view.getFloat32(256, le), view.getFloat32(260, le), view.getFloat32(264, le)],
      qoffset: [view.getFloat32(268, le), view.getFloat32(272, le), view.getFloat32(276, le)],
      srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat32(280 + 16 * r + 4 * c, le))),
    },
  });
}

function parseVersion2(view: DataView, le: boolean): NiftiHeader {
  const magic = latin1(view, 4, 8);
  if (magic.slice(0, 4) !== 'n+2\0') {
    const hint = magic.slice(0, 4) === 'ni2\0' ? "; a separate .img file ('ni2') is not supported" : '';
    throw new FormatError(`bad NIfTI-2 magic ${JSON.stringify(magic.slice(0, 4))}${hint}`);
  }
  if (magic.slice(4) !== '\r\n\x1a\n') {
    throw new FormatError('NIfTI-2 magic is damaged (was the file transferred as text?)');
  }
  const ndim = int64(view, 16, le);
  checkNdim(ndim);
  const dims: number[] = [];
  const pixdim: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    dims.push(int64(view, 16 + 8 * i, le));
    pixdim.push(view.getFloat64(104 + 8 * i, le));
  }
  return finish({
    version: 2,
    littleEndian: le,
    dims,
    pixdim,
    datatype: view.getInt16(12, le),
    voxOffset: int64(view, 168, le),
    sclSlope: view.getFloat64(176, le),
    sclInter: view.getFloat64(184, le),
    orientation: {
      qformCode: view.getInt32(344, le),
      sformCode: view.getInt32(348, le),
      qfac: view.getFloat64(104, le),
      quatern: [view.getFloat64(352, le), view.getFloat64(360, le), view.getFloat64(368, le)],
      qoffset: [view.getFloat64(376, le), view.getFloat64(384, le), view.getFloat64(392, le)],
      srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => view.getFloat64(400 + 32 * r + 8 * c, le))),
    },
  });
}

function finish(h: Omit<NiftiHeader, 'stored'>): NiftiHeader {
  h.dims.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) throw new FormatError(`dim[${i + 1}] is ${d}, not a positive size`);
  });
  const known = DATATYPES[h.datatype];
  if (!known) {
    const what = REFUSED_DATATYPES[h.datatype] ?? `unknown datatype code ${h.datatype}`;
    throw new FormatError(`${what} is not supported (need one scalar integer or float per voxel)`);
  }
  const headerSize = h.version === 1 ? SIZEOF_HDR_1 : SIZEOF_HDR_2;
  let voxOffset = h.voxOffset;
  if (!Number.isSafeInteger(voxOffset) || voxOffset < 0) {
    throw new FormatError(`vox_offset ${voxOffset} is not a valid byte offset`);
  }
  // Some writers leave vox_offset 0 in single files; like nibabel, assume the data
  // follows the header and its 4-byte extension flag.
  if (voxOffset === 0) voxOffset = headerSize + 4;
  if (voxOffset < headerSize) {
    throw new FormatError(`vox_offset ${voxOffset} points inside the ${headerSize}-byte header`);
  }
  return { ...h, voxOffset, stored: { kind: known.kind, bytes: known.bytes } };
}

function checkNdim(ndim: number): void {
  if (!(ndim >= 1 && ndim <= 7)) throw new FormatError(`dim[0] is ${ndim}, must be 1..7`);
}

function int64(view: DataView, offset: number, le: boolean): number {
  // Beyond 2**53 the Number is inexact; finish() refuses such sizes as unsafe integers.
  return Number(view.getBigInt64(offset, le));
}

function latin1(view: DataView, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint8(offset + i));
  return s;
}

