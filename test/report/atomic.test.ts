import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { atomicWrite, formatForPath } from '../../src/report/index.js';

// rename passes through to the real one unless a test makes it fail once: the only way
// to reach "rename failed after the temp file was fully written" without root-proof
// permission tricks (tests may run as root).
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return { ...real, rename: vi.fn(real.rename) };
});

describe('atomicWrite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'segloss-atomic-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the text and leaves no temp file behind', async () => {
    const target = join(dir, 'report.json');
    await atomicWrite(target, '{"a":1}\n');
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('replaces an existing file and keeps its permission bits', async () => {
    const target = join(dir, 'r.csv');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    await atomicWrite(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['r.csv']);
  });

  it('keeps the old file intact and removes the temp when the rename fails', async () => {
    const target = join(dir, 'r.md');
    writeFileSync(target, 'old content');
    vi.mocked(fsp.rename).mockRejectedValueOnce(Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' }));
    await expect(atomicWrite(target, 'new content')).rejects.toThrow(/simulated/);
    expect(readFileSync(target, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['r.md']);
  });

  it('fails without leaving a temp when the target is a directory (real rename error)', async () => {
    const target = join(dir, 'out.json');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    await expect(atomicWrite(target, 'text')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('fails when the folder does not exist, creating nothing', async () => {
    await expect(atomicWrite(join(dir, 'nope', 'r.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names its temp file .<name>.<pid>.<random>.tmp in the target folder', async () => {
    const target = join(dir, 'r.json');
    const renameSpy = vi.mocked(fsp.rename);
    renameSpy.mockClear();
    await atomicWrite(target, 'x');
    const [from, to] = renameSpy.mock.calls[0] as [string, string];
    expect(to).toBe(target);
    expect(from.startsWith(join(dir, `.r.json.${process.pid}.`))).toBe(true);
    expect(from).toMatch(/\.[0-9a-f]+\.tmp$/);
  });
});

describe('formatForPath', () => {
  it.each([
    ['out/report.json', 'json'],
    ['r.CSV', 'csv'],
    ['summary.md', 'markdown'],
    ['notes.markdown', 'markdown'],
    ['report.txt', null],
    ['noext', null],
    ['.json', null], // a dot file named ".json" has no extension
  ] as const)('%s → %s', (path, fmt) => {
    expect(formatForPath(path)).toBe(fmt);
  });
});
