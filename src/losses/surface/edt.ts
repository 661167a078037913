// Exact squared Euclidean distance transform on an anisotropic grid.
//
// Separable scheme: a two-sweep nearest-feature scan along axis 0, then the
// Felzenszwalb–Huttenlocher lower envelope of parabolas along every further axis.
// Each stage is an exact minimisation over one coordinate, so the result is
// min over features s of Σ_k (spacing_k·(p_k − s_k))², with no approximation.
//
// Every squared term is formed as (spacing·Δ)² and added in axis order 0, 1, 2, …,
// the same rounding as scipy.ndimage.distance_transform_edt(sampling=…), which
// computes ((s0·Δ0)² + (s1·Δ1)²) + (s2·Δ2)² from its feature transform. Matching
// that rounding keeps ties at the NSD tolerance on the same side as the reference.

/**
 * Squared distance, in physical units², from every cell of the grid to the nearest
 * cell whose `flags` byte has `bit` set; Infinity when no cell has it.
 *
 * @param flags one byte per cell, layout index = x + dims[0]·(y + dims[1]·(z + …))
 * @param out   receives the result; must hold at least prod(dims) elements
 */
export function squaredEdt(
  flags: Uint8Array,
  bit: number,
  dims: readonly number[],
  spacing: readonly number[],
  out: Float64Array,
): void {
  const n = dims.length;
  let total = 1;
  let longest = 1;
  for (const d of dims) {
    total *= d;
    if (d > longest) longest = d;
  }
  if (total === 0) return;

  firstAxis(flags, bit, dims[0]!, total, spacing[0]!, out);

  if (n === 1) return;
  // Scratch for one line: its values, and the envelope of their parabolas.
  const line = new Float64Array(longest);
  const env = envelope(longest);
  let stride = dims[0]!;
  for (let k = 1; k < n; k++) {
    const len = dims[k]!;
    const block = stride * len;
    const w = spacing[k]!;
    for (let outer = 0; outer < total; outer += block) {
      for (let inner = 0; inner < stride; inner++) {
        envelopeLine(out, outer + inner, stride, len, w, line, env);
      }
    }
    stride = block;
  }
}

/** Axis 0: 1-D distance to the nearest feature in the same row (two sweeps). */
function firstAxis(
  flags: Uint8Array,
  bit: number,
  len: number,
  total: number,
  w: number,
  out: Float64Array,
): void {
  for (let base = 0; base < total; base += len) {
    const end = base + len;
    // Forward sweep: distance to the nearest feature at or before x.
    let last = -1;
    for (let i = base; i < end; i++) {
      if (flags[i]! & bit) last = i;
      if (last < 0) {
        out[i] = Infinity;
      } else {
        const t = w * (i - last);
        out[i] = t * t;
      }
    }
    if (last < 0) continue; // no feature in this row: all Infinity already
    // Backward sweep: a feature after x may be nearer.
    let next = -1;
    for (let i = end - 1; i >= base; i--) {
      if (flags[i]! & bit) next = i;
      if (next >= 0) {
        const t = w * (next - i);
        const d = t * t;
        if (d < out[i]!) out[i] = d;
      }
    }
  }
}

/**
 * One line along an axis of weight w (mm per step), in place:
 * out[p] ← min_q out[q] + (w·(p − q))²  (Felzenszwalb & Huttenlocher 2012).
 */
function envelopeLine(
  out: Float64Array,
  start: number,
  stride: number,
  len: number,
  w: number,
  line: Float64Array,
  env: Envelope,
): void {
  let any = false;
  for (let q = 0, i = start; q < len; q++, i += stride) {
    const f = out[i]!;
    line[q] = f;
    if (f !== Infinity) any = true;
  }
  if (!any) return; // nothing reachable along this line yet: it stays Infinity

  // The parabolas f_v + w²(p − v)² and f_q + w²(p − q)² cross at
  // p = (c_q − c_v) / (2(q − v)) with c = f/w² + position², so c is stored per vertex.
  // Its rounding can only move a breakpoint between parabolas that tie to the last
  // bit; the values written below are evaluated from line[v] directly.
  const inv = 1 / (w * w);
  // Only finite cells carry a parabola; Infinity ones can never be the minimum,
  // and leaving them out keeps the breakpoint arithmetic free of Inf − Inf.
  let k = -1;
  for (let q = 0; q < len; q++) k = addParabola(env, k, q, line[q]!, inv);

  const { verts, breaks } = env;
  let j = 0;
  for (let p = 0, i = start; p < len; p++, i += stride) {
    while (breaks[j + 1]! < p) j++;
    const v = verts[j]!;
    const t = w * (p - v);
    out[i] = line[v]! + t * t;
  }
}

/** The lower envelope of parabolas f_q + w²(p − q)² over a line's finite cells (Felzenszwalb & Huttenlocher): its vertices, their values and constants, and the breakpoints. */
export interface Envelope {
  verts: Int32Array;
  vals: Float64Array;
  consts: Float64Array;
  breaks: Float64Array;
}

export function envelope(longest: number): Envelope {
  return { verts: new Int32Array(longest), vals: new Float64Array(longest), consts: new Float64Array(longest), breaks: new Float64Array(longest + 1) };
}

/**
 * Adds the parabola of cell q (ascending q) with value fq to an envelope whose top vertex
 * is k (−1: empty), inv = 1/w²; returns the new top. The one step of the
 * envelope, for envelopeLine here and for edtAt.ts.
 */
export function addParabola(e: Envelope, k: number, q: number, fq: number, inv: number): number {
  if (fq === Infinity) return k;
  const { verts, vals, consts, breaks } = e;
  const cq = fq * inv + q * q;
  if (k < 0) {
    verts[0] = q;
    vals[0] = fq;
    consts[0] = cq;
    breaks[0] = -Infinity;
    breaks[1] = Infinity;
    return 0;
  }
  let s = (cq - consts[k]!) / (2 * (q - verts[k]!));
  while (s <= breaks[k]!) {
    k--;
    s = (cq - consts[k]!) / (2 * (q - verts[k]!));
  }
  k++;
  verts[k] = q;
  vals[k] = fq;
  consts[k] = cq;
  breaks[k] = s;
  breaks[k + 1] = Infinity;
  return k;
}
