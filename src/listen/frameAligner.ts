/**
 * Several lanes streaming the same audio finish frames at different times (Silero needs its
 * whole 32 ms window, our models a 25 ms one): this keeps each lane's new frames and hands
 * out the frames every lane has, with the audio's level per frame, all starting at the same
 * absolute frame number. A lane that is removed (it failed) stops holding the others back.
 */
import { FRAME_HOP } from '../audio/frames';

export class FrameAligner<Lane extends string> {
  private readonly pending = new Map<Lane, number[]>();
  private levels: number[] = [];
  /** Absolute frame number of pending[*][0] and levels[0]. */
  private next = 0;
  /** Peak of the hop being filled, and how many of its samples have arrived. */
  private hopPeak = 0;
  private hopFill = 0;

  constructor(lanes: readonly Lane[]) {
    for (const lane of lanes) this.pending.set(lane, []);
  }

  get lanes(): Lane[] {
    return [...this.pending.keys()];
  }

  /** Level of the audio: the peak |sample| of each completed 160-sample hop (frame f's first hop). */
  addAudio(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const a = Math.abs(samples[i]!);
      if (a > this.hopPeak) this.hopPeak = a;
      if (++this.hopFill === FRAME_HOP) {
        this.levels.push(this.hopPeak);
        this.hopPeak = 0;
        this.hopFill = 0;
      }
    }
  }

  addFrames(lane: Lane, probabilities: Float32Array): void {
    const queue = this.pending.get(lane);
    if (queue === undefined) return;
    for (const p of probabilities) queue.push(p);
  }

  removeLane(lane: Lane): void {
    this.pending.delete(lane);
  }

  /** The frames every lane has completed (and whose level is known), or null when none is new. */
  take(): { firstFrame: number; level: Float32Array; probabilities: Record<Lane, Float32Array> } | null {
    let ready = this.levels.length;
    for (const queue of this.pending.values()) ready = Math.min(ready, queue.length);
    if (ready === 0) return null;
    const probabilities = {} as Record<Lane, Float32Array>;
    for (const [lane, queue] of this.pending) probabilities[lane] = Float32Array.from(queue.splice(0, ready));
    const level = Float32Array.from(this.levels.splice(0, ready));
    const firstFrame = this.next;
    this.next += ready;
    return { firstFrame, level, probabilities };
  }
}
