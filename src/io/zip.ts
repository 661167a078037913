// A ZIP central-directory reader, just enough for .npz: it lists entries and locates
// their bytes without reading or decompressing anything else, so one entry of a large
// archive can be read straight into its own (aligned) buffer. Handles zip64, which
// numpy writes for big arrays. Reads go through a ByteSource (random access to a file).
import { FormatError } from './errors.js';

export interface ByteSource {
  size: number;
  /** Exactly `length` bytes at `position` (the caller keeps within `size`). */
  read(position: number, length: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; anything else is refused by the caller. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const LOCAL_SIZE = 30;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** Bounds-checked little-endian reads: a damaged offset becomes a FormatError, not a RangeError. */
class Fields {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  private check(at: number, size: number, what: string): void {
    if (!(at >= 0 && at + size <= this.bytes.length)) {
      throw new FormatError(`damaged ZIP archive (${what} lies outside its record)`);
    }
  }
  u16(at: number, what: string): number {
    this.check(at, 2, what);
    return this.view.getUint16(at, true);
  }
  u32(at: number, what: string): number {
    this.check(at, 4, what);
    return this.view.getUint32(at, true);
  }
  u64(at: number, what: string): number {
    this.check(at, 8, what);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`damaged ZIP archive (${what} is ${value})`);
    return Number(value);
  }
  text(at: number, length: number, utf8: boolean, what: string): string {
    this.check(at, length, what);
    // Names without the UTF-8 flag are CP437; for the ASCII names numpy writes, latin1 matches.
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + at, length).toString(utf8 ? 'utf8' : 'latin1');
  }
}

/** Read [position, position + length) after checking it lies inside the source. */
async function readChecked(src: ByteSource, position: number, length: number, what: string): Promise<Fields> {
  if (!(position >= 0 && length >= 0 && position + length <= src.size)) {
    throw new FormatError(`damaged ZIP archive (${what} at byte ${position} lies past the end of the file)`);
  }
  return new Fields(await src.read(position, length));
}

export async function listZipEntries(src: ByteSource): Promise<ZipEntry[]> {
  const { count, cdOffset, cdSize } = await readDirectoryLocation(src);
  const cd = await readChecked(src, cdOffset, cdSize, 'central directory');
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (cd.u32(at, 'central directory entry') !== CENTRAL_SIG) {
      throw new FormatError(`damaged ZIP archive (central directory entry ${i} is missing)`);
    }
    const flags = cd.u16(at + 8, 'entry flags');
    const nameLength = cd.u16(at + 28, 'name length');
    const extraLength = cd.u16(at + 30, 'extra length');
    const commentLength = cd.u16(at + 32, 'comment length');
    const entry: ZipEntry = {
      name: cd.text(at + 46, nameLength, (flags & 0x800) !== 0, 'entry name'),
      method: cd.u16(at + 10, 'compression method'),
      flags,
      crc32: cd.u32(at + 16, 'crc'),
      compressedSize: cd.u32(at + 20, 'compressed size'),
      uncompressedSize: cd.u32(at + 24, 'uncompressed size'),
      localHeaderOffset: cd.u32(at + 42, 'local header offset'),
    };
    applyZip64Extra(cd, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Where the central directory is, from the end-of-central-directory record (in the
 * last 22 + 65535 comment bytes) and, for zip64, the record its locator points to.
 */
async function readDirectoryLocation(src: ByteSource): Promise<{ count: number; cdOffset: number; cdSize: number }> {
  const tailLength = Math.min(src.size, EOCD_SIZE + U16_MAX + ZIP64_LOCATOR_SIZE);
  const tailStart = src.size - tailLength;
  const tail = new Fields(await src.read(tailStart, tailLength));
  let eocd = -1;
  for (let at = tailLength - EOCD_SIZE; at >= 0; at--) {
    if (tail.u32(at, 'end record') === EOCD_SIG) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new FormatError('not a ZIP archive (no end-of-central-directory record; truncated?)');
  if (tail.u16(eocd + 4, 'disk number') !== 0 || tail.u16(eocd + 6, 'disk number') !== 0) {
    throw new FormatError('multi-part (spanned) ZIP archives are not supported');
  }
  const count = tail.u16(eocd + 10, 'entry count');
  const cdSize = tail.u32(eocd + 12, 'central directory size');
  const cdOffset = tail.u32(eocd + 16, 'central directory offset');
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator >= 0 && tail.u32(locator, 'zip64 locator') === ZIP64_LOCATOR_SIG) {
    const recordAt = tail.u64(locator + 8, 'zip64 end record offset');
    const record = await readChecked(src, recordAt, ZIP64_EOCD_SIZE, 'zip64 end record');
    if (record.u32(0, 'zip64 end record') !== ZIP64_EOCD_SIG) {
      throw new FormatError('damaged ZIP archive (zip64 end record not found)');
    }
    return {
      count: record.u64(32, 'zip64 entry count'),
      cdSize: record.u64(40, 'zip64 central directory size'),
      cdOffset: record.u64(48, 'zip64 central directory offset'),
    };
  }
  if (count === U16_MAX || cdOffset === U32_MAX || cdSize === U32_MAX) {
    throw new FormatError('damaged ZIP archive (zip64 sizes without a zip64 end record)');
  }
  return { count, cdOffset, cdSize };
}

/** Sizes and offsets too big for 32 bits live in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(cd: Fields, start: number, length: number, entry: ZipEntry): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = cd.u16(at, 'extra field id');
    const size = cd.u16(at + 2, 'extra field size');
    if (id === 0x0001) {
      let field = at + 4;
      const next = (what: string): number => {
        const value = cd.u64(field, what);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next('zip64 uncompressed size');
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next('zip64 compressed size');
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next('zip64 local header offset');
      return;
    }
    at += 4 + size;
  }
}

/**
 * Byte offset of the entry's stored (possibly compressed) data, checked to fit in the
 * file. Sizes come from the central directory: the local copy may be zero (data descriptor).
 */
export async function entryDataOffset(src: ByteSource, entry: ZipEntry): Promise<number> {
  const local = await readChecked(src, entry.localHeaderOffset, LOCAL_SIZE, `local header of '${entry.name}'`);
  if (local.u32(0, 'local header') !== LOCAL_SIG) {
    throw new FormatError(`damaged ZIP archive (local header of '${entry.name}' not found)`);
  }
  const start = entry.localHeaderOffset + LOCAL_SIZE + local.u16(26, 'name length') + local.u16(28, 'extra length');
  if (start + entry.compressedSize > src.size) {
    throw new FormatError(
      `entry '${entry.name}' is truncated (needs ${entry.compressedSize} bytes, archive holds ${Math.max(0, src.size - start)})`,
    );
  }
  return start;
}

