/**
 * Power spectrum of real frames of any even length n whose half n/2 factors into 2, 3, 4 and 5
 * (n_fft = 400 here: 200 = 4·2·5·5), in plain typed-array JS.
 *
 * fft.js (a well-kept radix-4 FFT) only takes powers of two; zero-padding 400 to 512 would
 * change the bins, and Bluestein's method would cost two 1024-point FFTs per frame. So this is
 * a small self-sorting (Stockham) mixed-radix complex FFT of n/2 points, fed with the even
 * samples as real part and the odd ones as imaginary part and split into the real signal's
 * spectrum afterwards: about 3 µs per 400-sample frame in V8, against ≈ 170 µs for the former
 * recursive FFT and ≈ 180 µs per frame for the windowed-DFT matmul on tfjs wasm
 * (`npm run bench` prints both).
 */

interface Stage {
  radix: number;
  /** Length of the sub-transforms this stage reads (product of the earlier radices). */
  span: number;
  /** Twiddles W_{span·radix}^{q·k1} for k1 < span, q < radix, at [k1·radix + q]. */
  twRe: Float64Array;
  twIm: Float64Array;
}

/** Radices whose butterflies are written out; any other prime factor uses the generic one. */
function factorize(m: number): number[] {
  const radices: number[] = [];
  let rest = m;
  while (rest % 4 === 0) {
    radices.push(4);
    rest /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  for (let p = 7; rest > 1; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return radices;
}

/** Complex FFT of fixed length m (forward, e^{−2πi·nk/m}), self-sorting: no bit reversal. */
class ComplexFft {
  private readonly stages: Stage[] = [];
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;

  constructor(readonly size: number) {
    let span = 1;
    for (const radix of factorize(size)) {
      const length = span * radix;
      const twRe = new Float64Array(span * radix);
      const twIm = new Float64Array(span * radix);
      for (let k1 = 0; k1 < span; k1++) {
        for (let q = 0; q < radix; q++) {
          const angle = (-2 * Math.PI * ((q * k1) % length)) / length;
          twRe[k1 * radix + q] = Math.cos(angle);
          twIm[k1 * radix + q] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, span, twRe, twIm });
      span = length;
    }
    this.bufRe = new Float64Array(size);
    this.bufIm = new Float64Array(size);
  }

  /**
   * Transforms re/im in place. Level L holds, at [k·r + s] (r = size/L), bin k of the length-L
   * DFT of the subsequence x[s + r·t]; a stage of radix p combines p subsequences of level L/p:
   * Y_L^s[k1 + l·k2] = Σ_q W_L^{q·k1} W_p^{q·k2} Y_l^{s + r·q}[k1].
   */
  transform(re: Float64Array, im: Float64Array): void {
    let [inRe, inIm, outRe, outIm] = [re, im, this.bufRe, this.bufIm];
    for (const stage of this.stages) {
      const { radix, span } = stage;
      const r = this.size / (span * radix);
      if (radix === 2) radix2(inRe, inIm, outRe, outIm, stage, r);
      else if (radix === 4) radix4(inRe, inIm, outRe, outIm, stage, r);
      else if (radix === 5) radix5(inRe, inIm, outRe, outIm, stage, r);
      else radixGeneric(inRe, inIm, outRe, outIm, stage, r);
      [inRe, inIm, outRe, outIm] = [outRe, outIm, inRe, inIm];
    }
    if (inRe !== re) {
      re.set(inRe);
      im.set(inIm);
    }
  }
}

function radix2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, { span, twRe, twIm }: Stage, r: number): void {
  for (let k1 = 0; k1 < span; k1++) {
    const w1r = twRe[k1 * 2 + 1];
    const w1i = twIm[k1 * 2 + 1];
    const inBase = k1 * r * 2;
    const out0 = k1 * r;
    const out1 = (k1 + span) * r;
    for (let s = 0; s < r; s++) {
      const a = inBase + s;
      const b = a + r;
      const br = xr[b] * w1r - xi[b] * w1i;
      const bi = xr[b] * w1i + xi[b] * w1r;
      yr[out0 + s] = xr[a] + br;
      yi[out0 + s] = xi[a] + bi;
      yr[out1 + s] = xr[a] - br;
      yi[out1 + s] = xi[a] - bi;
    }
  }
}

function radix4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, { span, twRe, twIm }: Stage, r: number): void {
  for (let k1 = 0; k1 < span; k1++) {
    const t = k1 * 4;
    const [w1r, w1i, w2r, w2i, w3r, w3i] = [twRe[t + 1], twIm[t + 1], twRe[t + 2], twIm[t + 2], twRe[t + 3], twIm[t + 3]];
    const inBase = k1 * r * 4;
    for (let s = 0; s < r; s++) {
      const i0 = inBase + s;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + r] * w1r - xi[i0 + r] * w1i;
      const a1i = xr[i0 + r] * w1i + xi[i0 + r] * w1r;
      const a2r = xr[i0 + 2 * r] * w2r - xi[i0 + 2 * r] * w2i;
      const a2i = xr[i0 + 2 * r] * w2i + xi[i0 + 2 * r] * w2r;
      const a3r = xr[i0 + 3 * r] * w3r - xi[i0 + 3 * r] * w3i;
      const a3i = xr[i0 + 3 * r] * w3i + xi[i0 + 3 * r] * w3r;
      const s02r = a0r + a2r;
      const s02i = a0i + a2i;
      const d02r = a0r - a2r;
      const d02i = a0i - a2i;
      const s13r = a1r + a3r;
      const s13i = a1i + a3i;
      // −i·(a1 − a3)
      const d13r = a1i - a3i;
      const d13i = a3r - a1r;
      const o = k1 * r + s;
      yr[o] = s02r + s13r;
      yi[o] = s02i + s13i;
      yr[o + span * r] = d02r + d13r;
      yi[o + span * r] = d02i + d13i;
      yr[o + 2 * span * r] = s02r - s13r;
      yi[o + 2 * span * r] = s02i - s13i;
      yr[o + 3 * span * r] = d02r - d13r;
      yi[o + 3 * span * r] = d02i - d13i;
    }
  }
}

const C5_1 = Math.cos((2 * Math.PI) / 5);
const C5_2 = Math.cos((4 * Math.PI) / 5);
const S5_1 = Math.sin((2 * Math.PI) / 5);
const S5_2 = Math.sin((4 * Math.PI) / 5);

function radix5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, { span, twRe, twIm }: Stage, r: number): void {
  for (let k1 = 0; k1 < span; k1++) {
    const t = k1 * 5;
    const inBase = k1 * r * 5;
    const o0 = k1 * r;
    const step = span * r;
    for (let s = 0; s < r; s++) {
      const i0 = inBase + s;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + r] * twRe[t + 1] - xi[i0 + r] * twIm[t + 1];
      const a1i = xr[i0 + r] * twIm[t + 1] + xi[i0 + r] * twRe[t + 1];
      const a2r = xr[i0 + 2 * r] * twRe[t + 2] - xi[i0 + 2 * r] * twIm[t + 2];
      const a2i = xr[i0 + 2 * r] * twIm[t + 2] + xi[i0 + 2 * r] * twRe[t + 2];
      const a3r = xr[i0 + 3 * r] * twRe[t + 3] - xi[i0 + 3 * r] * twIm[t + 3];
      const a3i = xr[i0 + 3 * r] * twIm[t + 3] + xi[i0 + 3 * r] * twRe[t + 3];
      const a4r = xr[i0 + 4 * r] * twRe[t + 4] - xi[i0 + 4 * r] * twIm[t + 4];
      const a4i = xr[i0 + 4 * r] * twIm[t + 4] + xi[i0 + 4 * r] * twRe[t + 4];
      // Pairs symmetric in q: X[k2] = a0 + Σ_{q=1,2} (a_q + a_{5−q})·cos − i·(a_q − a_{5−q})·sin·(±).
      const s14r = a1r + a4r;
      const s14i = a1i + a4i;
      const d14r = a1r - a4r;
      const d14i = a1i - a4i;
      const s23r = a2r + a3r;
      const s23i = a2i + a3i;
      const d23r = a2r - a3r;
      const d23i = a2i - a3i;
      const c1r = a0r + C5_1 * s14r + C5_2 * s23r;
      const c1i = a0i + C5_1 * s14i + C5_2 * s23i;
      const c2r = a0r + C5_2 * s14r + C5_1 * s23r;
      const c2i = a0i + C5_2 * s14i + C5_1 * s23i;
      // −i·(S1·d14 + S2·d23) and −i·(S2·d14 − S1·d23)
      const e1r = S5_1 * d14i + S5_2 * d23i;
      const e1i = -(S5_1 * d14r + S5_2 * d23r);
      const e2r = S5_2 * d14i - S5_1 * d23i;
      const e2i = -(S5_2 * d14r - S5_1 * d23r);
      const o = o0 + s;
      yr[o] = a0r + s14r + s23r;
      yi[o] = a0i + s14i + s23i;
      yr[o + step] = c1r + e1r;
      yi[o + step] = c1i + e1i;
      yr[o + 2 * step] = c2r + e2r;
      yi[o + 2 * step] = c2i + e2i;
      yr[o + 3 * step] = c2r - e2r;
      yi[o + 3 * step] = c2i - e2i;
      yr[o + 4 * step] = c1r - e1r;
      yi[o + 4 * step] = c1i - e1i;
    }
  }
}

function radixGeneric(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, { radix, span, twRe, twIm }: Stage, r: number): void {
  const ar = new Float64Array(radix);
  const ai = new Float64Array(radix);
  for (let k1 = 0; k1 < span; k1++) {
    for (let s = 0; s < r; s++) {
      for (let q = 0; q < radix; q++) {
        const i = k1 * r * radix + s + q * r;
        const [wr, wi] = [twRe[k1 * radix + q], twIm[k1 * radix + q]];
        ar[q] = xr[i] * wr - xi[i] * wi;
        ai[q] = xr[i] * wi + xi[i] * wr;
      }
      for (let k2 = 0; k2 < radix; k2++) {
        let sr = 0;
        let si = 0;
        for (let q = 0; q < radix; q++) {
          const angle = (-2 * Math.PI * ((q * k2) % radix)) / radix;
          const [c, sn] = [Math.cos(angle), Math.sin(angle)];
          sr += ar[q] * c - ai[q] * sn;
          si += ar[q] * sn + ai[q] * c;
        }
        yr[(k1 + span * k2) * r + s] = sr;
        yi[(k1 + span * k2) * r + s] = si;
      }
    }
  }
}

/**
 * |X_k|², k = 0…n/2, of windowed real frames of length n. One instance per frame length;
 * it keeps scratch buffers, so it is not re-entrant (JS is single-threaded per worker).
 */
export class RealFramePower {
  readonly bins: number;
  private readonly half: number;
  private readonly fft: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** W_n^k for k ≤ n/2, splitting the packed transform into the real signal's spectrum. */
  private readonly splitRe: Float64Array;
  private readonly splitIm: Float64Array;

  constructor(
    readonly length: number,
    private readonly window: Float32Array,
  ) {
    if (length % 2 !== 0 || length < 2) throw new Error(`RealFramePower: frame length must be even, got ${length}`);
    if (window.length !== length) throw new Error(`RealFramePower: window has ${window.length} samples, frames ${length}`);
    this.half = length / 2;
    this.bins = this.half + 1;
    this.fft = new ComplexFft(this.half);
    this.re = new Float64Array(this.half);
    this.im = new Float64Array(this.half);
    this.splitRe = new Float64Array(this.bins);
    this.splitIm = new Float64Array(this.bins);
    for (let k = 0; k < this.bins; k++) {
      this.splitRe[k] = Math.cos((-2 * Math.PI * k) / length);
      this.splitIm[k] = Math.sin((-2 * Math.PI * k) / length);
    }
  }

  /** Writes the power of the windowed frame signal[start…start + n) to out[outOffset…outOffset + n/2]. */
  power(signal: Float32Array, start: number, out: Float32Array, outOffset: number): void {
    const { half, re, im, window } = this;
    for (let j = 0; j < half; j++) {
      re[j] = signal[start + 2 * j] * window[2 * j];
      im[j] = signal[start + 2 * j + 1] * window[2 * j + 1];
    }
    this.fft.transform(re, im);
    // X[k] = E[k] + W^k·O[k], E = (Z[k] + conj Z[m−k])/2, O = −i·(Z[k] − conj Z[m−k])/2.
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const zr = re[a];
      const zi = im[a];
      const cr = re[b];
      const ci = -im[b];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = this.splitRe[k];
      const wi = this.splitIm[k];
      const xr = er + wr * or - wi * oi;
      const xi = ei + wr * oi + wi * or;
      out[outOffset + k] = xr * xr + xi * xi;
    }
  }
}
