// Tiny evaluation fixtures for the CLI tests, written at test time: NumPy label maps whose
// Dice is known by hand, so gate values are checked against independent numbers.
import { spawn } from 'node:child_process';
import zlib from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';

/** A C-order .npy file (format 1.0) of uint8 or little-endian float32 values. */
export function npy(shape: number[], values: ArrayLike<number>, dtype: 'u1' | 'f4' = 'u1'): Buffer {
  const n = shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`npy helper: ${values.length} values for shape ${shape.join('x')}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype === 'u1' ? '|u1' : '<f4'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const data = dtype === 'u1' ? Buffer.from(Uint8Array.from(values)) : Buffer.from(Float32Array.from(values).buffer);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), data]);
}

/** A 1 × n "image" (shape [1, n]) holding `labels`. */
export const row = (labels: number[], dtype: 'u1' | 'f4' = 'u1') => npy([1, labels.length], labels, dtype);

export interface Workspace {
  dir: string;
  gt: string;
  pred: string;
  /** Write a case: ground truth and (unless null) prediction. */
  addCase(id: string, gt: Buffer, pred: Buffer | null): void;
  path(...parts: string[]): string;
  write(name: string, text: string | Buffer): string;
  cleanup(): void;
}

export function workspace(prefix = 'segloss-cli-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const gt = join(dir, 'gt');
  const pred = join(dir, 'pred');
  mkdirSync(gt);
  mkdirSync(pred);
  return {
    dir,
    gt,
    pred,
    addCase(id, g, p) {
      writeFileSync(join(gt, `${id}.npy`), g);
      if (p) writeFileSync(join(pred, `${id}.npy`), p);
    },
    path: (...parts) => join(dir, ...parts),
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The "gates" fixture: three binary cases on a 1 × 8 row, Dice by hand (2|A∩B| / (|A|+|B|)):
 *   a: gt {0,1,2,3}, pred {0,1,2,3}       → 1
 *   b: gt {0,1,2,3}, pred {0,1}           → 2·2/(4+2) = 2/3
 *   c: gt {0,1,2,3}, pred {0,1,2,3,4,5}   → 2·4/(4+6) = 4/5
 * mean (1 + 2/3 + 4/5)/3 = 37/45, min 2/3.
 */
export const GATES_DICE = { a: 1, b: 2 / 3, c: 4 / 5, mean: (1 + 2 / 3 + 4 / 5) / 3, min: 2 / 3 };

export function gatesFixture(ws: Workspace): void {
  const gt = [1, 1, 1, 1, 0, 0, 0, 0];
  ws.addCase('a', row(gt), row([1, 1, 1, 1, 0, 0, 0, 0]));
  ws.addCase('b', row(gt), row([1, 1, 0, 0, 0, 0, 0, 0]));
  ws.addCase('c', row(gt), row([1, 1, 1, 1, 1, 1, 0, 0]));
}

/**
 * The "labels" fixture: one case, labels 1 and 2 on a 1 × 8 row.
 *   gt   [1,1,1,1,2,2,0,0]; pred [1,1,1,0,2,2,2,2]
 *   label 1: |gt|=4, |pred|=3, overlap 3 → 6/7;  label 2: |gt|=2, |pred|=4, overlap 2 → 4/6 = 2/3
 */
export const LABELS_DICE = { 1: 6 / 7, 2: 2 / 3 };

export function labelsFixture(ws: Workspace): void {
  ws.addCase('m', row([1, 1, 1, 1, 2, 2, 0, 0]), row([1, 1, 1, 0, 2, 2, 2, 2]));
}

/**
 * Many larger cases so a run lasts long enough to be interrupted or to show progress
 * (about 0.1–0.2 s per 96³ case on one core). One pair of files, the other cases are
 * symbolic links to it.
 */
export function slowFixture(ws: Workspace, cases: number, side = 96): void {
  const n = side * side * side;
  const g = new Uint8Array(n);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = i % 7 < 3 ? 1 : 0;
    p[i] = ((i * 2654435761) % 1000) / 1000;
  }
  ws.addCase('s000', npy([side, side, side], g), npy([side, side, side], p, 'f4'));
  for (let k = 1; k < cases; k++) {
    const id = `s${String(k).padStart(3, '0')}`;
    symlinkSync(join(ws.gt, 's000.npy'), join(ws.gt, `${id}.npy`));
    symlinkSync(join(ws.pred, 's000.npy'), join(ws.pred, `${id}.npy`));
  }
}

export interface Spawned {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Start the built CLI and send `signal` once `when(stderr, stdout)` holds (polled as output
 * arrives) or after `afterMs`, whichever comes first.
 */
export function runCliAndSignal(
  args: string[],
  signal: NodeJS.Signals,
  opts: { afterMs: number; when?: (stderr: string, stdout: string) => boolean; cwd?: string },
): Promise<Spawned & { signalledAtMs: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const started = Date.now();
    let signalledAtMs: number | null = null;
    const fire = () => {
      if (signalledAtMs !== null || child.exitCode !== null) return;
      signalledAtMs = Date.now() - started;
      child.kill(signal);
    };
    const timer = setTimeout(fire, opts.afterMs);
    const check = () => {
      if (opts.when?.(stderr, stdout)) fire();
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      check();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      check();
    });
    child.on('error', reject);
    child.on('close', (status, sig) => {
      clearTimeout(timer);
      resolve({ status, signal: sig, stdout, stderr, signalledAtMs });
    });
  });
}

/** A minimal 8-bit PNG (no filter, one IDAT): grey (colour type 0) or palette (3, grey entries). */
export function png8(width: number, height: number, values: ArrayLike<number>, palette = false): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = palette ? 3 : 0;
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = values[y * width + x];
  const plte = palette ? [chunk('PLTE', Buffer.from(Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3))))] : [];
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    ...plte,
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
