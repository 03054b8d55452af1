/**
 * Timing of the listening lanes: a lane's recent compute time against the audio it covered
 * (real-time factor, ms per 10 ms frame), and a latency measurement repeated until its
 * median settles, with its spread.
 */
import type { LatencyMeasurement, LaneTiming } from '../protocol';

/** Compute time of a lane over its last `windowSeconds` of audio. */
export class LaneClock {
  private entries: { ms: number; seconds: number; frames: number }[] = [];
  private totalSeconds = 0;

  constructor(private readonly windowSeconds = 3) {}

  add(ms: number, audioSeconds: number, frames: number): void {
    this.entries.push({ ms, seconds: audioSeconds, frames });
    this.totalSeconds += audioSeconds;
    while (this.entries.length > 1 && this.totalSeconds - this.entries[0]!.seconds >= this.windowSeconds) {
      this.totalSeconds -= this.entries.shift()!.seconds;
    }
  }

  timing(): LaneTiming | null {
    let ms = 0;
    let frames = 0;
    for (const e of this.entries) {
      ms += e.ms;
      frames += e.frames;
    }
    if (this.totalSeconds <= 0 || frames === 0) return null;
    return { msPerFrame: ms / frames, realTimeFactor: ms / (1000 * this.totalSeconds) };
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

export interface StableOptions {
  minRounds: number;
  maxRounds: number;
  /** Stop once the running median moved less than this fraction for `settledRounds` rounds in a row. */
  tolerance: number;
  settledRounds: number;
}

export const STABLE_DEFAULTS: StableOptions = { minRounds: 7, maxRounds: 60, tolerance: 0.02, settledRounds: 4 };

/**
 * Repeats `round` (which returns one measurement, e.g. a round's mean ms per frame) until
 * the median of all rounds is stable; the spread is the interquartile range of the rounds.
 */
export async function measureUntilStable(round: () => number | Promise<number>, options: Partial<StableOptions> = {}): Promise<LatencyMeasurement> {
  const { minRounds, maxRounds, tolerance, settledRounds } = { ...STABLE_DEFAULTS, ...options };
  const values: number[] = [];
  let previous = NaN;
  let settled = 0;
  while (values.length < maxRounds) {
    values.push(await round());
    const sorted = [...values].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    settled = Math.abs(median - previous) <= tolerance * median ? settled + 1 : 0;
    previous = median;
    if (values.length >= minRounds && settled >= settledRounds) break;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: quantile(sorted, 0.5), lowMs: quantile(sorted, 0.25), highMs: quantile(sorted, 0.75), rounds: values.length };
}
