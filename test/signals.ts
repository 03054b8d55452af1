/** Signal comparisons shared by the unit and browser tests. */
import { FRAME_HOP } from '../src/audio/frames';

/** Pearson correlation of a[i] and b(i) over i < length. */
export function pearson(a: ArrayLike<number>, b: (i: number) => number, length: number): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b(i);
    sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
  }
  const cov = sab - (sa * sb) / length;
  return cov / Math.sqrt((saa - (sa * sa) / length) * (sbb - (sb * sb) / length));
}

/** Log energy of each 160-sample hop of x from `start`, `count` hops (indices wrap around the end of x). */
export function hopEnergies(x: Float32Array, start: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let sum = 0;
    for (let i = 0; i < FRAME_HOP; i++) {
      const v = x[(start + k * FRAME_HOP + i) % x.length]!;
      sum += v * v;
    }
    out[k] = Math.log10(sum + 1e-9);
  }
  return out;
}
