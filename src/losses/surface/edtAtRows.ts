// squaredEdtAt on a plane (one or two axes) with unit spacing, query by query. The squared
// distance from (x, y) to the nearest feature is the least, over the rows r that hold a
// feature, of (x − the nearest feature of row r)² + (y − r)²: what squaredEdt's two stages
// compute, the first along each row and the second across rows. Rows are visited outward
// from y, and the search stops as soon as (y − r)² alone reaches the least sum found. A
// query near the other boundary (a lesion against its match, a prediction against its
// ground truth) then looks at a few rows instead of every feature row.
//
// Why the values are squaredEdt's, bit for bit: with unit spacing every term is the square
// of an integer and every sum an integer far below 2^53, so each is exact, and so is this
// least sum. squaredEdt's lower envelope reads the same least sum: the breakpoints it
// compares are fractions with denominators at most twice the grid's size. Two different
// ones are therefore far apart next to a rounding error, and a read-out at an integer
// position picks a parabola of least value (at a tie, both give the same integer).

/**
 * The most rows the search may visit: what the envelope spends on its axis 0, a visit for
 * about every other feature row and x (a visit costs a binary search, an envelope step a
 * division).
 */
function rowSearchBudget(featureRows: number, X: number): number {
  return (featureRows * X) / 2;
}

/**
 * Squared distances from each query to the nearest feature of an X×Y grid with unit
 * spacing (index = x + X·y), or null when the search would visit more than `budget`
 * rows (by default rowSearchBudget's): for boundaries far apart the envelope of
 * edtAt.ts, whose cost does not depend on the distances, is then the cheaper way.
 *
 * @param features feature cells, ascending, at least one
 * @param queries  the cells to read
 */
export function squaredEdtAtRows(features: Int32Array, queries: Int32Array, X: number, Y: number, budget?: number): Float64Array | null {
  // Where each row's features start: they ascend, so rows ascend, and x within a row.
  const rowStart = new Int32Array(Y + 1);
  for (let f = 0; f < features.length; f++) rowStart[Math.floor(features[f]! / X) + 1]!++;
  let featureRows = 0;
  for (let y = 0; y < Y; y++) {
    if (rowStart[y + 1]! > 0) featureRows++;
    rowStart[y + 1]! += rowStart[y]!;
  }
  const limit = budget ?? rowSearchBudget(featureRows, X);

  const out = new Float64Array(queries.length);
  let visited = 0;
  for (let j = 0; j < queries.length; j++) {
    const y = Math.floor(queries[j]! / X);
    const x = queries[j]! - y * X;
    let best = Infinity;
    for (let k = 0; k * k < best && (y - k >= 0 || y + k < Y); k++) {
      const dy2 = k * k;
      if (y - k >= 0) {
        const v = nearestInRow(features, rowStart[y - k]!, rowStart[y - k + 1]!, (y - k) * X, x) + dy2;
        if (v < best) best = v;
      }
      if (k > 0 && y + k < Y) {
        const v = nearestInRow(features, rowStart[y + k]!, rowStart[y + k + 1]!, (y + k) * X, x) + dy2;
        if (v < best) best = v;
      }
      visited++;
    }
    if (visited > limit) return null;
    out[j] = best;
  }
  return out;
}

/** (x − the nearest of features[start … end), a row's, at base + x)²; Infinity for a row without one. */
function nearestInRow(features: Int32Array, start: number, end: number, base: number, x: number): number {
  if (start === end) return Infinity;
  // The first feature at or right of x.
  let lo = start;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (features[mid]! - base < x) lo = mid + 1;
    else hi = mid;
  }
  let d = Infinity;
  if (lo < end) d = features[lo]! - base - x;
  if (lo > start) d = Math.min(d, x - (features[lo - 1]! - base));
  return d * d;
}
