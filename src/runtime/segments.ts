/**
 * From per-frame speech probabilities to speech segments, and the per-frame report the
 * command line writes and the app exports (one format, so both agree on the same file).
 */

export interface Segment {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export interface SegmentOptions {
  /** A frame is speech when its probability is ≥ threshold. */
  threshold?: number;
  /** Segments shorter than this (seconds, before the hang-over) are dropped as blips. */
  minSpeech?: number;
  /** Speech is held this long (seconds) after the last speech frame; shorter gaps are bridged. */
  hangover?: number;
}

export const SEGMENT_DEFAULTS: Required<SegmentOptions> = { threshold: 0.5, minSpeech: 0.1, hangover: 0.2 };

/**
 * Speech segments. Frame f spans [f, f + 1) · frameSeconds (its hop). Runs of speech frames
 * shorter than minSpeech are dropped, then each run is extended by the hang-over (clipped to
 * the end of the audio), and runs that then touch or overlap are merged.
 */
export function detectSegments(probabilities: ArrayLike<number>, frameSeconds: number, options: SegmentOptions = {}): Segment[] {
  const { threshold, minSpeech, hangover } = { ...SEGMENT_DEFAULTS, ...options };
  if (!(frameSeconds > 0)) throw new Error(`detectSegments: frameSeconds must be positive, got ${frameSeconds}`);
  if (!(minSpeech >= 0) || !(hangover >= 0)) throw new Error(`detectSegments: minSpeech and hangover must be ≥ 0 (got ${minSpeech}, ${hangover})`);
  const total = probabilities.length * frameSeconds;
  const segments: Segment[] = [];
  let runStart = -1;
  const close = (endFrame: number) => {
    const start = runStart * frameSeconds;
    const end = endFrame * frameSeconds;
    // Compare in frames, so 10 frames of 0.01 s pass a 0.1 s minimum despite rounding.
    if (endFrame - runStart + 1e-9 < minSpeech / frameSeconds) return;
    const extended = Math.min(total, end + hangover);
    const last = segments.at(-1);
    if (last && start <= last.end + 1e-9) last.end = Math.max(last.end, extended);
    else segments.push({ start, end: extended });
  };
  for (let f = 0; f < probabilities.length; f++) {
    const speech = probabilities[f] >= threshold;
    if (speech && runStart < 0) runStart = f;
    if (!speech && runStart >= 0) {
      close(f);
      runStart = -1;
    }
  }
  if (runStart >= 0) close(probabilities.length);
  return segments;
}

export interface FramesReport {
  file: string;
  model: string;
  frameSeconds: number;
  /** Frame f starts at time[f] = f · frameSeconds and covers the 25 ms window from there. */
  time: number[];
  probability: number[];
  segments: Segment[];
  segmentOptions: Required<SegmentOptions>;
}

/** The per-frame report (JSON): frame times, probabilities, and the segments found with `options`. */
export function framesReport(file: string, model: string, probabilities: ArrayLike<number>, frameSeconds: number, options: SegmentOptions = {}): FramesReport {
  const segmentOptions = { ...SEGMENT_DEFAULTS, ...options };
  const probability = Array.from(probabilities, (p) => p);
  return {
    file,
    model,
    frameSeconds,
    time: probability.map((_, f) => round(f * frameSeconds, 6)),
    probability,
    segments: detectSegments(probabilities, frameSeconds, segmentOptions),
    segmentOptions,
  };
}

/** The same as CSV: `time,probability` per frame. */
export function framesCsv(probabilities: ArrayLike<number>, frameSeconds: number): string {
  const lines = ['time,probability'];
  for (let f = 0; f < probabilities.length; f++) lines.push(`${round(f * frameSeconds, 6)},${probabilities[f]}`);
  return `${lines.join('\n')}\n`;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
