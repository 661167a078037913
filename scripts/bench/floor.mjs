// The floors a workload is compared against, measured in a fresh process:
//   read+inflate  readFileSync of every file, then node:zlib (gunzipSync for .nii.gz,
//                 inflateRawSync for a deflated .npz entry, inflateSync of a PNG's IDAT);
//                 .npy / .nii / stored .npz: the read alone
//   sum           one plain pass summing every decoded array (the payload as its dtype)
// Usage: node floor.mjs '{"files":[…],"reps":3}'  → one JSON line {read_inflate_s, sum_s, …}
//
// With "scaling": true, the same read+inflate+sum, file by file, on one worker thread and
// then on two at once (each half the files): {one_thread_s, two_threads_s}. Work that only
// reads, inflates with native zlib and sums scales as well as anything can on the machine,
// so its ratio is the ceiling a batch of cases on --workers 2 can be held to.
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';

// "@FILE": the payload is in FILE (the bench passes long file lists that way).
const arg = isMainThread ? process.argv[2] : JSON.stringify(workerData);
const { files, reps = 3, scaling = false } = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg);

const NIFTI_TYPES = { 2: Uint8Array, 4: Int16Array, 8: Int32Array, 16: Float32Array, 64: Float64Array, 256: Int8Array, 512: Uint16Array };
const NPY_TYPES = { u1: Uint8Array, i1: Int8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, f4: Float32Array, f8: Float64Array, b1: Uint8Array };

function view(T, buf, offset) {
  const n = Math.floor((buf.byteLength - offset) / T.BYTES_PER_ELEMENT);
  const at = buf.byteOffset + offset;
  if (at % T.BYTES_PER_ELEMENT === 0) return new T(buf.buffer, at, n);
  return new T(buf.slice(offset, offset + n * T.BYTES_PER_ELEMENT).buffer, 0, n);
}

function npyPayload(b) {
  const len = b.readUInt16LE(8);
  const header = b.toString('latin1', 10, 10 + len);
  const m = /'descr':\s*'[<>|=]?([a-z]\d)'/.exec(header);
  return view(NPY_TYPES[m[1]], b, 10 + len);
}

/** Reads and inflates one file; returns its decoded array. */
function decode(path) {
  const raw = readFileSync(path);
  if (path.endsWith('.nii.gz') || path.endsWith('.nii')) {
    const b = path.endsWith('.gz') ? zlib.gunzipSync(raw) : raw;
    return view(NIFTI_TYPES[b.readInt16LE(70)], b, Math.round(b.readFloatLE(108)));
  }
  if (path.endsWith('.npy')) return npyPayload(raw);
  if (path.endsWith('.npz')) {
    // The first local header (the workloads write one entry).
    const method = raw.readUInt16LE(8);
    const size = raw.readUInt32LE(18);
    const start = 30 + raw.readUInt16LE(26) + raw.readUInt16LE(28);
    const body = raw.subarray(start, start + size);
    return npyPayload(method === 8 ? zlib.inflateRawSync(body) : body);
  }
  if (path.endsWith('.png')) {
    const idat = [];
    for (let at = 8; at < raw.length; ) {
      const len = raw.readUInt32BE(at);
      const type = raw.toString('latin1', at + 4, at + 8);
      if (type === 'IDAT') idat.push(raw.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    return zlib.inflateSync(Buffer.concat(idat)); // filtered scanlines: one byte more per row than the pixels
  }
  throw new Error(`floor: unknown format ${path}`);
}

function sum(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!isMainThread) {
  // A scaling worker: its share of the files, decoded and summed one by one.
  let s = 0;
  for (const f of files) s += sum(decode(f));
  parentPort.postMessage(s);
} else if (scaling) {
  const onThreads = (shares) => {
    const t0 = performance.now();
    return Promise.all(shares.map((share) => new Promise((done, fail) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { files: share } });
      w.once('message', done);
      w.once('error', fail);
    }))).then((sums) => ({ seconds: (performance.now() - t0) / 1000, check: sums.reduce((a, b) => a + b, 0) }));
  };
  const halves = [files.filter((_, i) => i % 2 === 0), files.filter((_, i) => i % 2 === 1)];
  const one = [];
  const two = [];
  for (let r = 0; r < reps; r++) {
    const a = await onThreads([files]);
    const b = await onThreads(halves);
    if (a.check !== b.check) throw new Error('floor: the two-thread sums differ from one thread\'s');
    one.push(a.seconds);
    two.push(b.seconds);
  }
  process.stdout.write(`${JSON.stringify({ one_thread_s: median(one), two_threads_s: median(two), reps })}\n`);
} else {
const readTimes = [];
const sumTimes = [];
let check = 0;
let elements = 0;
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  const arrays = files.map(decode);
  const t1 = performance.now();
  let s = 0;
  for (const a of arrays) s += sum(a);
  const t2 = performance.now();
  readTimes.push((t1 - t0) / 1000);
  sumTimes.push((t2 - t1) / 1000);
  check = s;
  elements = arrays.reduce((n, a) => n + a.length, 0);
}
process.stdout.write(`${JSON.stringify({ read_inflate_s: median(readTimes), sum_s: median(sumTimes), reps, elements, check })}\n`);
}
