// Whole-volume element-wise maps as plain loops. `TypedArray.from(source, fn)` in V8 walks
// the source through an iterator and boxes every value: ~25× slower than a loop, and on a
// CT's 78 M logits gigabytes of temporary heap (--include-background took a minute there).

/** −z into `out` (default: a new array, float32 when z is float32; negation is exact). */
export function negated(z: ArrayLike<number>, out: Float32Array | Float64Array = z instanceof Float32Array ? new Float32Array(z.length) : new Float64Array(z.length)): Float32Array | Float64Array {
  for (let i = 0; i < z.length; i++) out[i] = -z[i];
  return out;
}

/** max − v for stored integer values 0..max (a quantised probability's background class). */
export function complemented(v: ArrayLike<number>, max: number): Uint16Array {
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = max - v[i];
  return out;
}

/** v / max in float64 (stored integer values as probabilities). */
export function divided(v: ArrayLike<number>, max: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / max;
  return out;
}
