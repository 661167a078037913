// Options shared by every reader.
import { FormatError } from './errors.js';

export interface ReadOptions {
  /**
   * Refuse any array with more elements than this (all channels counted), before
   * allocating memory for it. Default 2**31, the CLI's --max-voxels default.
   */
  maxVoxels?: number;
}

export const DEFAULT_MAX_VOXELS = 2 ** 31;

/** The effective element limit; a bad value is a programming error, not bad input. */
export function maxVoxelsOf(opts: ReadOptions | undefined): number {
  const limit = opts?.maxVoxels ?? DEFAULT_MAX_VOXELS;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`maxVoxels must be a positive integer, got ${limit}`);
  }
  return limit;
}

/**
 * Refuse a declared shape whose element count passes the limit, before anything is
 * allocated for it. A float product is exact below 2**53 and, above, still compares
 * correctly against any limit that is itself a safe integer.
 */
export function elementCount(dims: readonly number[], limit: number, what: string): number {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > limit) {
    throw new FormatError(
      `${what} ${dims.join('×')} = ${count} elements, more than the limit of ${limit} (--max-voxels)`,
    );
  }
  return count;
}
