/**
 * σ(z) from a table with linear interpolation (error < 1e-5): routing evaluates it for every
 * candidate of every call, where Math.exp would cost more than the rest of the loop.
 */
const RANGE = 16;
const STEPS_PER_UNIT = 64;
const TABLE = Float64Array.from({ length: 2 * RANGE * STEPS_PER_UNIT + 2 }, (_, k) => 1 / (1 + Math.exp(-(k / STEPS_PER_UNIT - RANGE))));

export function sigmoid(z: number): number {
  if (!(z > -RANGE)) return z > 0 ? 1 : TABLE[0]!; // also NaN → the floor
  if (z >= RANGE) return 1;
  const x = (z + RANGE) * STEPS_PER_UNIT;
  const k = x | 0;
  const low = TABLE[k]!;
  return low + (x - k) * (TABLE[k + 1]! - low);
}
