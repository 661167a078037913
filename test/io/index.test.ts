// readArray's dispatch and file-system refusals, and the case-id rule.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { caseIdOf, readArray } from '../../src/io/index.js';
import { InputError } from '../../src/types.js';
import { niftiBytes } from '../helpers/nifti.js';
import { npyBytes, zipBytes } from '../helpers/npy.js';
import { encodePng } from '../helpers/png.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const hasMkfifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function reason(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => new Error('expected an InputError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).not.toContain('\n');
  return (err as InputError).reason;
}

describe('caseIdOf', () => {
  it.each([
    ['case_001.nii.gz', 'case_001'],
    ['case_001.nii', 'case_001'],
    ['Case.NII.GZ', 'Case'],
    ['a.b.png', 'a.b'],
    ['x.PNG', 'x'],
    ['probs.npy', 'probs'],
    ['probs.npz', 'probs'],
    ['dir/sub/c7.nii.gz', 'c7'],
    ['scan.gz', null],
    ['notes.txt', null],
    ['.png', null],
    ['README', null],
  ])('%s -> %s', (name, id) => {
    expect(caseIdOf(name)).toBe(id);
  });
});

describe('readArray dispatch', () => {
  it('reads each format by extension, case-insensitively', async () => {
    const png = tmp.write('a.PNG', encodePng({ width: 2, height: 2, bitDepth: 8, colorType: 0, samples: [0, 1, 2, 3] }));
    const nii = tmp.write('b.Nii.Gz', zlib.gzipSync(niftiBytes({ dims: [2, 2, 1], datatype: 'uint8', values: [0, 1, 2, 3] })));
    const npy = tmp.write('c.npy', npyBytes({ descr: '|u1', shape: [2, 2], values: [0, 1, 2, 3] }));
    const npz = tmp.write('d.npz', zipBytes([{ name: 'probabilities.npy', data: npyBytes({ descr: '|u1', shape: [4], values: [0, 1, 2, 3] }) }]));
    const formats = [];
    for (const p of [png, nii, npy, npz]) {
      const r = await readArray(p);
      expect(r.path).toBe(p);
      expect(Array.from(r.data)).toEqual([0, 1, 2, 3]);
      formats.push(r.format);
    }
    expect(formats).toEqual(['png', 'nifti', 'npy', 'npz']);
  });

  it('refuses an unsupported extension, listing the ones it reads', async () => {
    const p = tmp.write('scan.dcm', 'x');
    expect(await reason(readArray(p))).toMatch(/unsupported file type \(expected \.png, \.nii, \.nii\.gz, \.npy, \.npz, \.mha, \.mhd, \.nrrd, \.nhdr, \.tif or \.tiff\)/);
  });
});

describe('readArray: file-system refusals', () => {
  it('names a missing file: "file not found"', async () => {
    const p = join(tmp.dir, 'nope.nii.gz');
    const err = await readArray(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(p);
    expect((err as InputError).message).toBe(`${p}: file not found`);
  });

  it.each(['e.png', 'e.nii', 'e.nii.gz', 'e.npy', 'e.npz'])('empty file %s', async (name) => {
    expect(await reason(readArray(tmp.write(name, '')))).toBe('file is empty');
  });

  it('a directory named like a data file', async () => {
    const dir = join(tmp.dir, 'folder.nii');
    mkdirSync(dir);
    expect(await reason(readArray(dir))).toBe('is a directory, not a file');
  });

  it('a path through a regular file', async () => {
    const file = tmp.write('plain.png', 'x');
    expect(await reason(readArray(join(file, 'inner.png')))).toBe('a parent of the path is not a directory');
  });

  it('a dangling symbolic link', async () => {
    const link = join(tmp.dir, 'dangling.npy');
    symlinkSync(join(tmp.dir, 'missing-target.npy'), link);
    expect(await reason(readArray(link))).toBe('file not found');
  });

  it.skipIf(!hasMkfifo)('a FIFO named like a data file is refused without blocking', async () => {
    const fifo = join(tmp.dir, 'pipe.nii');
    execFileSync('mkfifo', [fifo]);
    expect(await reason(readArray(fifo))).toBe('not a regular file');
  });

  // Root reads any file, so this can only be checked as another user.
  it.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    const { chmodSync } = await import('node:fs');
    const p = tmp.write('locked.npy', npyBytes({ descr: '|u1', shape: [1], values: [1] }));
    chmodSync(p, 0);
    expect(await reason(readArray(p))).toBe('permission denied');
  });

  it('garbage with a data-file extension', async () => {
    for (const name of ['g.png', 'g.nii', 'g.nii.gz', 'g.npy', 'g.npz']) {
      expect(await reason(readArray(tmp.write(name, 'this is plain text, not an image file at all')))).toMatch(/^cannot read /);
    }
  });
});
