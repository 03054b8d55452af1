/**
 * The microphone's recent frames on the page: a fixed-capacity ring of per-frame values
 * (the waveform's level and each lane's speech probability), addressed by absolute frame
 * number since the stream started, so the lanes stay aligned however the worker batches them.
 */
import type { LaneId } from '../../src/protocol';

export class FrameHistory {
  /** Absolute number of the next frame to arrive. */
  private end = 0;
  private readonly level: Float32Array;
  private readonly lanes = new Map<LaneId, Float32Array>();

  constructor(readonly capacity: number) {
    this.level = new Float32Array(capacity);
  }

  /** Frames [first, end) still held. */
  get first(): number {
    return Math.max(0, this.end - this.capacity);
  }
  get endFrame(): number {
    return this.end;
  }

  /**
   * Appends frames starting at absolute frame `firstFrame` (the next expected one; a gap,
   * e.g. after lost audio, is filled with NaN so it shows as a break, never as data).
   */
  append(firstFrame: number, level: Float32Array, probabilities: Partial<Record<LaneId, Float32Array>>): void {
    if (firstFrame < this.end) throw new Error(`frame ${firstFrame} arrived after frame ${this.end - 1}`);
    for (let f = this.end; f < firstFrame; f++) this.write(f, NaN, {});
    for (let i = 0; i < level.length; i++) {
      const values: Partial<Record<LaneId, number>> = {};
      for (const [lane, probs] of Object.entries(probabilities) as [LaneId, Float32Array][]) values[lane] = probs[i] ?? NaN;
      this.write(firstFrame + i, level[i]!, values);
    }
  }

  private write(frame: number, level: number, values: Partial<Record<LaneId, number>>): void {
    const slot = frame % this.capacity;
    this.level[slot] = level;
    for (const [lane, ring] of this.lanes) ring[slot] = values[lane] ?? NaN;
    for (const lane of Object.keys(values) as LaneId[]) {
      if (this.lanes.has(lane)) continue;
      // A lane that starts late: its earlier frames are unknown.
      const ring = new Float32Array(this.capacity).fill(NaN);
      ring[slot] = values[lane]!;
      this.lanes.set(lane, ring);
    }
    this.end = frame + 1;
  }

  laneIds(): LaneId[] {
    return [...this.lanes.keys()];
  }

  /** Level of frames [from, to) in order (clamped to what is held). */
  levels(from: number, to: number): Float32Array {
    return this.read(this.level, from, to);
  }

  /** One lane's probabilities of frames [from, to); NaN where the lane had none. */
  probabilities(lane: LaneId, from: number, to: number): Float32Array {
    const ring = this.lanes.get(lane);
    if (ring === undefined) return new Float32Array(Math.max(0, Math.min(to, this.end) - Math.max(from, this.first))).fill(NaN);
    return this.read(ring, from, to);
  }

  private read(ring: Float32Array, from: number, to: number): Float32Array {
    const start = Math.max(from, this.first);
    const stop = Math.min(to, this.end);
    const out = new Float32Array(Math.max(0, stop - start));
    for (let f = start; f < stop; f++) out[f - start] = ring[f % this.capacity]!;
    return out;
  }
}
