/**
 * The ONNX reader (src/runtime/onnxGraph.ts) and Silero's size counted with it
 * (src/runtime/sileroSize.ts, src/runtime/onnxMacs.ts), on the model file the app ships.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elementCount, graphWeights, readOnnxGraph } from '../src/runtime/onnxGraph';
import { countMacs } from '../src/runtime/onnxMacs';
import { sileroSize } from '../src/runtime/sileroSize';

const SILERO_V5 = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

// Protobuf writing, for a hand-made model.
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n % 128) + (n >= 128 ? 128 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const field = (number: number, payload: number[] | Uint8Array): number[] => [...varint(number * 8 + 2), ...varint(payload.length), ...payload];
const intField = (number: number, value: number): number[] => [...varint(number * 8), ...varint(value)];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];

describe('ONNX reader', () => {
  it('reads dims (one field each or packed), data type, name and value bytes of initializers', () => {
    const floats = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const unpacked = [...intField(1, 2), ...intField(1, 3), ...intField(2, 1), ...field(8, utf8('w')), ...field(9, floats)];
    const packed = [...field(1, [...varint(6)]), ...intField(2, 1), ...field(8, utf8('b')), ...field(4, floats)];
    const int64 = [...field(1, [...varint(1)]), ...intField(2, 7), ...field(8, utf8('rate')), ...field(7, varint(16000))];
    const graph = [...field(2, utf8('g')), ...field(5, unpacked), ...field(5, packed), ...field(5, int64)];
    const model = new Uint8Array([...intField(1, 8), ...field(7, graph)]);
    const read = readOnnxGraph(model, 'hand-made.onnx');
    expect(read.name).toBe('g');
    expect(read.initializers.map((t) => [t.name, t.dataType, t.dims, elementCount(t), t.byteLength])).toEqual([
      ['w', 1, [2, 3], 6, 24],
      ['b', 1, [6], 6, 24],
      ['rate', 7, [1], 1, 8],
    ]);
    expect(read.initializers[2]!.integers).toEqual([16000]);
  });

  it('names the file when it is not an ONNX model', () => {
    expect(() => readOnnxGraph(new TextEncoder().encode('not a model at all'), 'notes.txt')).toThrow(/notes\.txt: not an ONNX model/);
    expect(() => readOnnxGraph(new Uint8Array([0x3a, 0x40, 1, 2]), 'cut.onnx')).toThrow(/cut\.onnx: not an ONNX model \(field 7 runs past the end/);
  });
});

describe("Silero v5's size, counted from the shipped ONNX file", () => {
  const bytes = new Uint8Array(readFileSync(SILERO_V5));
  const size = sileroSize(bytes, SILERO_V5);

  it('counts the 16 kHz model as its published architecture predicts, and the stored bytes agree', () => {
    // Cross-check from the architecture (silero-vad's model: a 256-point STFT → 129 bins, four
    // 3-tap convolutions 129 → 128 → 64 → 64 → 128 channels, an LSTM cell of 128 (4 gates, two
    // biases), a 1 × 1 convolution to one output).
    const convs = [[129, 128], [128, 64], [64, 64], [64, 128]].reduce((n, [i, o]) => n + i! * o! * 3 + o!, 0);
    const lstm = 4 * 128 * (128 + 128) + 2 * 4 * 128;
    const head = 128 + 1;
    console.log(`Silero v5 (16 kHz model): ${size.parameters} learned parameters (${size.tensors.length} tensors), ${size.fixedValues} fixed STFT basis values; weights ${size.weightBytes} of ${size.fileBytes} file bytes`);
    expect(size.parameters).toBe(convs + lstm + head);
    expect(size.parametersFromBytes).toBe(size.parameters);
    expect(size.fixedValues).toBe(258 * 256);
    expect(size.tensors.map((t) => t.name)).toContain('decoder.rnn.weight_hh');
  });

  it('counts the multiply-adds of one call on the path a 16 kHz call takes, as the architecture predicts', () => {
    // By hand from silero-vad's layers: 576 samples (64 of context + 512) reflection-padded by 64
    // → a 256-tap STFT convolution with hop 128 gives 4 frames of 258 (real, imaginary) values;
    // convolutions of 3 taps, padding 1, strides 1, 2, 2, 1 → 4, 2, 1, 1 steps; one LSTM step; a 1 × 1 head.
    const stft = 258 * 256 * 4;
    const encoder = 128 * 129 * 3 * 4 + 64 * 128 * 3 * 2 + 64 * 64 * 3 * 1 + 128 * 64 * 3 * 1;
    const lstm = 4 * 128 * (128 + 128);
    const head = 128;
    console.log(`Silero v5 per 512-sample call: ${size.macsPerCall} multiply-adds (${size.stftMacsPerCall} in the STFT) = ${(size.flopsPerSecond / 1e6).toFixed(2)} MFLOP/s; ${size.macNodes.map((n) => `${n.op} ${n.name} ${n.shape.join('×')}: ${n.macs}`).join('; ')}`);
    expect(size.macsPerCall).toBe(stft + encoder + lstm + head);
    expect(size.stftMacsPerCall).toBe(stft);
    expect(size.flopsPerSecond).toBe((2 * size.macsPerCall * 16000) / 512);
    // The sample rate decides the If: at 8 kHz the 8 kHz model (a 128-tap STFT over 288 samples) runs.
    const at8k = countMacs(readOnnxGraph(bytes), { input: { shape: [1, 288] }, state: { shape: [2, 1, 128] }, sr: { shape: [], values: [8000] } });
    expect(at8k.nodes[0]!.macs).toBe(130 * 128 * 4);
    expect(Object.values(at8k.outputShapes)).toEqual([[1, 1], [2, 1, 128]]);
  });

  it('refuses to guess: an input it cannot follow is an error naming the node', () => {
    expect(() => countMacs(readOnnxGraph(bytes), { input: { shape: [1, 576] }, state: { shape: [2, 1, 128] }, sr: { shape: [] } }, 'silero')).toThrow(/silero: cannot count If .*no known values/);
  });

  it('finds nearly all of the file in weights (both sample rates), so no weight was missed', () => {
    const all = graphWeights(readOnnxGraph(bytes, SILERO_V5));
    expect(all.every((t) => t.byteLength === elementCount(t) * (t.dataType === 7 ? 8 : t.dataType === 9 ? 1 : 4))).toBe(true);
    expect(size.weightBytes).toBeLessThan(size.fileBytes);
    expect(size.weightBytes).toBeGreaterThan(0.9 * size.fileBytes);
  });
});
