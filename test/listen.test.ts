/**
 * The listening feature's pure parts: the capture worklet's downmixing (run in Node with the
 * AudioWorklet globals stubbed) and the listen worker's resampling of its blocks, the frame
 * aligner and history, the lanes' geometry, timing
 * until stable, the exports, and the microphone's error messages.
 */
import { describe, expect, it } from 'vitest';
import { FrameHistory } from '../app/listen/frameHistory';
import { columnMaxima, envelopePath, levelToFraction, segmentBoxes, valuePath } from '../app/listen/laneGeometry';
import { lanesCsv, lanesJson } from '../app/listen/exportFrames';
import { segmentFrames } from '../app/listen/lanes';
import { microphoneConstraints, microphoneErrorMessage } from '../app/listen/micErrors';
import { resample } from '../src/audio/resample';
import { CaptureResampler } from '../src/listen/captureResampler';
import { FrameAligner } from '../src/listen/frameAligner';
import { LaneClock, measureUntilStable } from '../src/listen/timing';
import type { CaptureChunk, ToCapture } from '../src/protocol';

interface Processor {
  port: { onmessage: ((event: { data: ToCapture }) => void) | null };
  process(inputs: Float32Array[][]): boolean;
}

let registered: (new () => Processor) | null = null;

/** Loads workers/capture.worklet.ts as an AudioWorkletGlobalScope would (once), and makes a processor at `rate` Hz. */
async function captureProcessor(rate: number): Promise<{ processor: Processor; chunks: CaptureChunk[] }> {
  const scope = globalThis as Record<string, unknown>;
  scope.sampleRate = rate;
  scope.currentTime = 0;
  if (registered === null) {
    scope.AudioWorkletProcessor = class {
      port = { onmessage: null, postMessage() {} };
    };
    scope.registerProcessor = (_name: string, processor: new () => Processor) => {
      registered = processor;
    };
    await import('../workers/capture.worklet');
  }
  if (registered === null) throw new Error('the worklet registered no processor');
  const processor = new (registered as new () => Processor)();
  const chunks: CaptureChunk[] = [];
  const port = { postMessage: (chunk: CaptureChunk) => chunks.push(chunk), close() {} };
  processor.port.onmessage!({ data: { type: 'connect', port: port as unknown as MessagePort } });
  return { processor, chunks };
}

/** Amplitude of a frequency in a signal (correlation with a complex exponential). */
function amplitudeAt(signal: Float32Array, frequency: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < signal.length; i++) {
    re += signal[i]! * Math.cos((2 * Math.PI * frequency * i) / rate);
    im += signal[i]! * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / signal.length;
}

/** Two channels of `seconds` at `rate`, fed to the processor in 128-sample render quanta. */
function feed(processor: Processor, rate: number, seconds: number, left: (t: number) => number, right: (t: number) => number): void {
  for (let start = 0; start < rate * seconds; start += 128) {
    const l = new Float32Array(128);
    const r = new Float32Array(128);
    for (let i = 0; i < 128; i++) {
      l[i] = left((start + i) / rate);
      r[i] = right((start + i) / rate);
    }
    expect(processor.process([[l, r]])).toBe(true);
  }
}

function noise(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5));
}

describe('capture worklet', () => {
  it('posts the mono mixdown at the context rate in numbered 20 ms blocks', async () => {
    const rate = 44100;
    const { processor, chunks } = await captureProcessor(rate);
    feed(processor, rate, 0.5, (t) => Math.sin(2 * Math.PI * 440 * t), () => 0.5);
    expect(chunks.length).toBe(Math.floor((0.5 * rate) / 882));
    let expected = 0;
    for (const chunk of chunks) {
      expect(chunk.sampleRate).toBe(rate);
      expect(chunk.samples.length).toBe(882);
      expect(chunk.firstSample).toBe(expected);
      expected += chunk.samples.length;
    }
    const i = 1000;
    expect(chunks[1]!.samples[i - 882]).toBeCloseTo(0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.25, 6);
  });

  it('stops processing after stop', async () => {
    const { processor } = await captureProcessor(44100);
    processor.port.onmessage!({ data: { type: 'stop' } });
    expect(processor.process([[new Float32Array(128)]])).toBe(false);
  });
});

describe('CaptureResampler (the listen worker, microphone)', () => {
  it('turns 48 kHz stereo from the worklet into 16 kHz mono: keeps a 1 kHz tone, removes a 12 kHz one (no alias at 4 kHz)', async () => {
    const rate = 48000;
    const { processor, chunks } = await captureProcessor(rate);
    const mixed = (t: number) => 0.5 * Math.sin(2 * Math.PI * 1000 * t) + 0.5 * Math.sin(2 * Math.PI * 12000 * t);
    feed(processor, rate, 1, mixed, mixed);
    const capture = new CaptureResampler();
    const parts: number[] = [];
    for (const chunk of chunks) parts.push(...(await capture.push(chunk)));
    capture.close();
    const out = Float32Array.from(parts);
    // All of the second but what the filter holds back for the next block (its half length).
    expect(out.length).toBeGreaterThan(15_800);
    expect(out.length).toBeLessThanOrEqual(16_000);
    const steady = out.subarray(1000, 15_000);
    expect(amplitudeAt(steady, 1000, 16000)).toBeGreaterThan(0.499);
    // Block averaging or plain decimation would fold 12 kHz onto 4 kHz at a large amplitude.
    expect(amplitudeAt(steady, 4000, 16000)).toBeLessThan(1e-5);
  });

  it('gives the whole-buffer resampling of the capture, its lost blocks as silence, so sample n stays at n / 16000 s', async () => {
    const rate = 44100;
    const block = 882;
    const audio = noise(40 * block, 9);
    const lost = new Set([3, 4, 17]);
    const withGaps = audio.slice();
    for (const b of lost) withGaps.fill(0, b * block, (b + 1) * block);
    const reference = await resample(withGaps, rate, 16000);
    const capture = new CaptureResampler();
    const parts: number[] = [];
    for (let b = 0; b < 40; b++) {
      if (lost.has(b)) continue;
      parts.push(...(await capture.push({ type: 'samples', samples: audio.slice(b * block, (b + 1) * block), sampleRate: rate, firstSample: b * block, capturedAt: b * 0.02 })));
    }
    capture.close();
    expect(parts.length).toBeGreaterThan(reference.length - 200);
    expect(Float32Array.from(parts)).toEqual(reference.subarray(0, parts.length));
  });

  it('passes a 16 kHz context through unchanged', async () => {
    const audio = noise(640, 4);
    const capture = new CaptureResampler();
    const out = [...(await capture.push({ type: 'samples', samples: audio.slice(0, 320), sampleRate: 16000, firstSample: 0, capturedAt: 0 }))];
    out.push(...(await capture.push({ type: 'samples', samples: audio.slice(320), sampleRate: 16000, firstSample: 320, capturedAt: 0.02 })));
    expect(out).toEqual([...audio]);
  });

  it('refuses a change of capture rate midway', async () => {
    const capture = new CaptureResampler();
    await capture.push({ type: 'samples', samples: new Float32Array(960), sampleRate: 48000, firstSample: 0, capturedAt: 0 });
    await expect(capture.push({ type: 'samples', samples: new Float32Array(882), sampleRate: 44100, firstSample: 960, capturedAt: 0.02 })).rejects.toThrow(/48000 to 44100/);
    capture.close();
  });
});

describe('FrameAligner', () => {
  it('hands out only the frames every lane has, aligned, with the level of each hop', () => {
    const aligner = new FrameAligner<'a' | 'b'>(['a', 'b']);
    const audio = new Float32Array(160 * 5);
    audio[160 * 2 + 7] = -0.5;
    aligner.addAudio(audio);
    aligner.addFrames('a', Float32Array.of(0.1, 0.2, 0.3));
    aligner.addFrames('b', Float32Array.of(0.9));
    const first = aligner.take()!;
    expect(first.firstFrame).toBe(0);
    expect([...first.probabilities.a]).toEqual([Math.fround(0.1)]);
    expect([...first.probabilities.b]).toEqual([Math.fround(0.9)]);
    aligner.addFrames('b', Float32Array.of(0.8, 0.7));
    const second = aligner.take()!;
    expect(second.firstFrame).toBe(1);
    expect(second.level.length).toBe(2);
    expect(second.level[1]).toBe(0.5);
    expect(aligner.take()).toBeNull();
    // A removed lane no longer holds the others back.
    aligner.addFrames('a', Float32Array.of(0.4));
    aligner.removeLane('b');
    expect(aligner.take()!.firstFrame).toBe(3);
  });
});

describe('FrameHistory', () => {
  it('keeps the last frames by absolute number, NaN for gaps and for a lane that started late', () => {
    const history = new FrameHistory(4);
    history.append(0, Float32Array.of(0.1, 0.2), { full: Float32Array.of(1, 2) });
    history.append(3, Float32Array.of(0.4), { full: Float32Array.of(4), silero: Float32Array.of(40) });
    expect(history.first).toBe(0);
    expect(history.endFrame).toBe(4);
    expect([...history.probabilities('full', 0, 4)]).toEqual([1, 2, NaN, 4]);
    expect([...history.probabilities('silero', 0, 4)]).toEqual([NaN, NaN, NaN, 40]);
    history.append(4, Float32Array.of(0.5, 0.6), { full: Float32Array.of(5, 6), silero: Float32Array.of(50, 60) });
    expect(history.first).toBe(2);
    expect([...history.probabilities('full', 0, 10)]).toEqual([NaN, 4, 5, 6]);
    expect(() => history.append(1, Float32Array.of(0), {})).toThrow(/arrived after/);
  });
});

describe('lane geometry', () => {
  it('reduces frames to columns by their maximum, skipping NaN', () => {
    expect([...columnMaxima(Float32Array.of(0.1, 0.5, NaN, NaN, 0.3, 0.2), 6, 3)].map((v) => (Number.isNaN(v) ? 'NaN' : v.toFixed(1)))).toEqual(['0.5', 'NaN', '0.3']);
    // Fewer frames than columns: each frame fills the columns it covers.
    expect([...columnMaxima(Float32Array.of(0.25, 0.75), 2, 4)]).toEqual([0.25, 0.25, 0.75, 0.75]);
    // An offset shifts the values right (a stream that has not filled the view).
    expect([...columnMaxima(Float32Array.of(1), 4, 4, 3)].slice(3)).toEqual([1]);
  });

  it('draws a probability path broken at NaN and an envelope in dB', () => {
    expect(valuePath(Float32Array.of(1, 0, NaN, 0.5), 0, 0, 10)).toBe('M0.5,0L1.5,10M3.5,5');
    expect(levelToFraction(1)).toBe(1);
    expect(levelToFraction(0.001)).toBeCloseTo(0, 9);
    expect(levelToFraction(0.01)).toBeCloseTo(1 / 3, 9);
    expect(envelopePath(Float32Array.of(1, NaN, 1), 0, 10, 5)).toBe('M0.5,5L0.5,15ZM2.5,5L2.5,15Z');
  });

  it('places segment boxes inside the view', () => {
    expect(segmentBoxes([{ start: 5, end: 15 }, { start: 30, end: 40 }], 10, 10, 100, 200)).toEqual([{ x: 100, width: 100 }]);
  });

  it('turns segments in seconds into frame spans after the lane’s first frame', () => {
    const values = Float32Array.from({ length: 100 }, (_, f) => (f >= 20 && f < 50 ? 0.9 : 0.1));
    expect(segmentFrames(values, 0.01, 0.5, 0.1, 1000)).toEqual([{ start: 1020, end: 1060 }]);
    // A higher threshold than every value: no segment.
    expect(segmentFrames(values, 0.01, 0.95, 0.1)).toEqual([]);
  });
});

describe('timing', () => {
  it('LaneClock: real-time factor and ms per frame over its window', () => {
    const clock = new LaneClock(1);
    expect(clock.timing()).toBeNull();
    clock.add(10, 0.5, 50);
    clock.add(30, 0.5, 50);
    expect(clock.timing()).toEqual({ msPerFrame: 0.4, realTimeFactor: 0.04 });
    clock.add(2, 0.5, 50);
    // The first entry has left the 1 s window.
    expect(clock.timing()).toEqual({ msPerFrame: 0.32, realTimeFactor: 0.032 });
  });

  it('measureUntilStable stops once the median settles and reports the quartiles', async () => {
    const values = [5, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    let i = 0;
    const result = await measureUntilStable(() => values[i++ % values.length]!, { minRounds: 5, settledRounds: 3, tolerance: 0.01, maxRounds: 50 });
    expect(result.medianMs).toBe(2);
    expect(result.rounds).toBeLessThan(values.length);
    expect(result.lowMs).toBe(2);
    expect(result.highMs).toBe(2);
    const noisy = await measureUntilStable(() => Math.random(), { minRounds: 3, maxRounds: 9, tolerance: 0, settledRounds: 100 });
    expect(noisy.rounds).toBe(9);
    expect(noisy.lowMs).toBeLessThanOrEqual(noisy.medianMs);
    expect(noisy.highMs).toBeGreaterThanOrEqual(noisy.medianMs);
  });
});

describe('exports', () => {
  it('CSV: one row per frame, one column per lane, empty cells for missing values', () => {
    const csv = lanesCsv({ full: Float32Array.of(0.5, 0.25), silero: Float32Array.of(NaN) }, 0.01, 1);
    expect(csv).toBe('time,full,silero\n1,0.5,\n1.01,0.25,\n');
  });

  it('JSON: the per-frame report of each lane with its segments', () => {
    const probs = Float32Array.from({ length: 50 }, (_, f) => (f >= 10 && f < 30 ? 1 : 0));
    const report = lanesJson('a.wav', { full: 'crnn-full' }, { full: probs }, 0.01, { threshold: 0.5, hangover: 0 });
    expect(report.lanes.full!.model).toBe('crnn-full');
    expect(report.lanes.full!.segments).toEqual([{ start: 0.1, end: 0.3 }]);
    expect(report.lanes.full!.time[49]).toBe(0.49);
  });
});

describe('microphone', () => {
  it('asks for an untouched signal from the chosen device', () => {
    expect(microphoneConstraints('abc').audio).toEqual({ deviceId: { exact: 'abc' }, echoCancellation: false, noiseSuppression: false, autoGainControl: false });
    expect(microphoneConstraints('').audio).not.toHaveProperty('deviceId');
  });

  it('says what to do when the microphone is denied, absent or busy', () => {
    expect(microphoneErrorMessage(new DOMException('Permission denied', 'NotAllowedError'))).toMatch(/denied.*press Start again/);
    expect(microphoneErrorMessage(new DOMException('Requested device not found', 'NotFoundError'))).toMatch(/No microphone was found/);
    expect(microphoneErrorMessage(new DOMException('Could not start audio source', 'NotReadableError'))).toMatch(/another application/);
    expect(microphoneErrorMessage(new Error('boom'))).toMatch(/could not be started: Error: boom/);
  });
});
