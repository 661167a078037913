// Hand-built NIfTI-1/-2 files for tests: only the header fields the reader uses are
// filled in; values are encoded with DataView so both byte orders are exercised.

export const DT = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  complex64: 32,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
  int64: 1024,
  uint64: 1280,
} as const;

export type DtName = keyof typeof DT;

const SIZE: Record<DtName, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  complex64: 8,
  float64: 8,
  int64: 8,
  uint64: 8,
};

export interface NiftiSpec {
  version?: 1 | 2;
  dims: number[];
  datatype: DtName;
  values: ArrayLike<number | bigint>;
  littleEndian?: boolean;
  pixdim?: number[];
  slope?: number;
  inter?: number;
  voxOffset?: number;
  /** Override the datatype code written (to test unknown codes). */
  datatypeCode?: number;
}

export function writeValue(view: DataView, at: number, type: DtName, v: number | bigint, le: boolean): void {
  switch (type) {
    case 'uint8': return view.setUint8(at, Number(v));
    case 'int8': return view.setInt8(at, Number(v));
    case 'int16': return view.setInt16(at, Number(v), le);
    case 'uint16': return view.setUint16(at, Number(v), le);
    case 'int32': return view.setInt32(at, Number(v), le);
    case 'uint32': return view.setUint32(at, Number(v), le);
    case 'float32': return view.setFloat32(at, Number(v), le);
    case 'float64': return view.setFloat64(at, Number(v), le);
    case 'int64': return view.setBigInt64(at, BigInt(v), le);
    case 'uint64': return view.setBigUint64(at, BigInt(v), le);
    case 'complex64': return view.setFloat32(at, Number(v), le);
  }
}

export function niftiBytes(spec: NiftiSpec): Buffer {
  const version = spec.version ?? 1;
  const le = spec.littleEndian ?? true;
  const headerSize = version === 1 ? 348 : 540;
  const voxOffset = spec.voxOffset ?? headerSize + 4;
  const size = SIZE[spec.datatype];
  const dataStart = voxOffset === 0 ? headerSize + 4 : voxOffset;
  const buf = Buffer.alloc(Math.max(dataStart, headerSize + 4) + spec.values.length * size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const pixdim = [1, ...(spec.pixdim ?? spec.dims.map(() => 1))];
  const code = spec.datatypeCode ?? DT[spec.datatype];
  view.setInt32(0, headerSize, le);
  if (version === 1) {
    view.setInt16(40, spec.dims.length, le);
    spec.dims.forEach((d, i) => view.setInt16(42 + 2 * i, d, le));
    view.setInt16(70, code, le);
    view.setInt16(72, size * 8, le);
    pixdim.forEach((p, i) => view.setFloat32(76 + 4 * i, p, le));
    view.setFloat32(108, voxOffset, le);
    view.setFloat32(112, spec.slope ?? 1, le);
    view.setFloat32(116, spec.inter ?? 0, le);
    buf.write('n+1\0', 344, 'latin1');
  } else {
    buf.write('n+2\0\r\n\x1a\n', 4, 'latin1');
    view.setInt16(12, code, le);
    view.setInt16(14, size * 8, le);
    view.setBigInt64(16, BigInt(spec.dims.length), le);
    spec.dims.forEach((d, i) => view.setBigInt64(24 + 8 * i, BigInt(d), le));
    pixdim.forEach((p, i) => view.setFloat64(104 + 8 * i, p, le));
    view.setBigInt64(168, BigInt(voxOffset), le);
    view.setFloat64(176, spec.slope ?? 1, le);
    view.setFloat64(184, spec.inter ?? 0, le);
  }
  for (let i = 0; i < spec.values.length; i++) writeValue(view, dataStart + i * size, spec.datatype, spec.values[i]!, le);
  return buf;
}
