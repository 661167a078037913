// One case skeleton (pipeline/caseSkeleton.ts): the entry every case starts from, whether
// the case is evaluated, has no prediction, cannot be read, or is given up by the pool.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { caseSkeleton } from '../../src/pipeline/caseSkeleton.js';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/pipeline/config.js';
import { evaluatePair } from '../../src/pipeline/evaluateOne.js';
import { ROOT, runCli } from '../helpers/cli.js';

const config: RunConfig = { ...DEFAULT_RUN_CONFIG, gt: 'gt', pred: 'pred' };

// cli.md's case entry opens with these fields, in this order.
const SKELETON_KEYS = ['id', 'pred', 'gt', 'status', 'error', 'input', 'shape', 'spacing', 'warnings'];

describe('caseSkeleton', () => {
  it("holds the pair's names and nothing known of its files yet", () => {
    const s = caseSkeleton({ id: 'c1', gt: 'gt/c1.png', pred: 'pred/c1.png' });
    expect(Object.keys(s)).toEqual(SKELETON_KEYS);
    expect(s).toStrictEqual({ id: 'c1', pred: 'pred/c1.png', gt: 'gt/c1.png', status: 'ok', error: null, input: null, shape: null, spacing: null, warnings: [] });
  });

  it('takes the status and the error of a case that failed', () => {
    expect(caseSkeleton({ id: 'c2', gt: 'g', pred: null }, 'missing', 'no prediction for g')).toMatchObject({ status: 'missing', error: 'no prediction for g' });
  });

  it('gives every case its own warnings list', () => {
    const pair = { id: 'c', gt: 'g', pred: 'p' };
    const a = caseSkeleton(pair);
    a.warnings.push('x');
    expect(caseSkeleton(pair).warnings).toEqual([]);
  });
});

describe('every failed case is the skeleton', () => {
  it('a case with no prediction', async () => {
    const { result } = await evaluatePair({ id: 'c1', gt: 'gt/c1.png', pred: null }, config);
    expect(Object.keys(result)).toEqual(SKELETON_KEYS);
    expect(result).toStrictEqual({ id: 'c1', pred: null, gt: 'gt/c1.png', status: 'missing', error: 'no prediction for gt/c1.png', input: null, shape: null, spacing: null, warnings: [] });
  });

  it('a case whose pairing is wrong', async () => {
    const { result } = await evaluatePair({ id: 'c1', gt: 'g.png', pred: 'p.png', problem: 'two predictions for c1' }, config);
    expect(result).toStrictEqual({ id: 'c1', pred: 'p.png', gt: 'g.png', status: 'error', error: 'two predictions for c1', input: null, shape: null, spacing: null, warnings: [] });
  });

  it('a case whose ground truth cannot be read names the file', async () => {
    const gt = join(ROOT, 'no-such-folder', 'c1.png');
    const { result } = await evaluatePair({ id: 'c1', gt, pred: 'p.png' }, config);
    expect(Object.keys(result)).toEqual(SKELETON_KEYS);
    expect(result).toMatchObject({ status: 'error', input: null, shape: null, spacing: null, warnings: [] });
    expect(result.error!.startsWith(`${gt}: `)).toBe(true);
  });

  it('a case the worker pool gives up on (built CLI, --case-timeout)', () => {
    // A 1 µs limit: no worker loads its modules that fast, so every case times out.
    const dir = join(ROOT, 'fixtures', 'golden', 'png_multiclass');
    const r = runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), '--case-timeout', '0.000001', '--format', 'json', '--quiet']);
    expect(r.status).toBe(1);
    const cases = JSON.parse(r.stdout).cases as Record<string, unknown>[];
    expect(cases.map((c) => c.id)).toEqual(['m00_palette', 'm01_grey16', 'm02_grey8']);
    for (const c of cases) {
      const pred = join(dir, 'pred', `${c.id}.png`);
      expect(Object.keys(c)).toEqual(SKELETON_KEYS);
      expect(c).toStrictEqual({
        id: c.id, pred, gt: join(dir, 'gt', `${c.id}.png`), status: 'error',
        error: `${pred}: gave up after 0.000001 s (--case-timeout)`, input: null, shape: null, spacing: null, warnings: [],
      });
    }
  });
});
