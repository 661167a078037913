// Summary statistics of a metric over cases (cli.md summary).
import { describe, expect, it } from 'vitest';
import { describe as stats } from '../../../src/losses/formulas/stats.js';

describe('summary statistics', () => {
  it('use the population std and the mean of the two middle values as median', () => {
    // [1, 2, 3, 4]: mean 2.5, population variance 1.25, median 2.5
    const s = stats([4, null, 1, 3, 2]);
    expect(s).toEqual({ mean: 2.5, std: Math.sqrt(1.25), median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('are all null with n = 0 when every value is null', () => {
    expect(stats([null, null])).toEqual({ mean: null, std: null, median: null, min: null, max: null, n: 0 });
  });
});
