/**
 * Multiply-adds of one call of an ONNX model, counted from its Conv and LSTM nodes. The graph
 * is run on shapes, not values: every tensor gets its shape, and small integer tensors (shape
 * arithmetic, pads, the sample rate) their values too, so that an If takes the branch the real
 * call would take. A Conv costs (output elements) × (input channels / group) × kernel; an LSTM
 * steps × batch × 4·hidden·(input + hidden) per direction. An operator it does not know, or a
 * condition it cannot decide, is an error naming it, never a guess.
 */
import type { OnnxGraph, OnnxNode } from './onnxGraph';

export interface NodeMacs {
  op: 'Conv' | 'LSTM';
  /** The weight's name (the part after the last `__`). */
  name: string;
  /** The node's output shape. */
  shape: number[];
  macs: number;
}

/** What is known of a tensor: its shape, and its values when it is a small integer (or boolean) tensor. */
export interface ShapedValue {
  shape: number[];
  values?: number[];
}

const product = (shape: number[]): number => shape.reduce((n, d) => n * d, 1);

function strides(shape: number[]): number[] {
  const out = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

const positive = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Index ranges of a Slice along each axis (ONNX semantics: negative indices, clamping, negative steps). */
function sliceRanges(shape: number[], starts: number[], ends: number[], axes: number[], steps: number[]): { start: number; step: number; count: number }[] {
  const ranges = shape.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((rawAxis, i) => {
    const axis = positive(rawAxis, shape.length);
    const d = shape[axis]!;
    const step = steps[i] ?? 1;
    const clamp = (v: number, low: number, high: number) => Math.min(high, Math.max(low, v < 0 ? v + d : v));
    const start = step > 0 ? clamp(starts[i]!, 0, d) : clamp(starts[i]!, -1, d - 1);
    const end = step > 0 ? clamp(ends[i]!, 0, d) : clamp(ends[i]!, -1, d - 1);
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  return ranges;
}

/** Gathers values[offset(index)] for every index of `shape`, row-major. */
function remap(values: number[], shape: number[], offset: (index: number[]) => number): number[] {
  const s = strides(shape);
  return Array.from({ length: product(shape) }, (_, flat) => values[offset(shape.map((d, a) => Math.floor(flat / s[a]!) % d))]!);
}

function broadcast(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

export interface MacCount {
  /** Every Conv and LSTM on the path the call takes, in graph order. */
  nodes: NodeMacs[];
  macs: number;
  /** Shapes the run arrived at for the graph's outputs (a check that it followed the model). */
  outputShapes: Record<string, number[]>;
}

/** Runs `graph` on shapes from `inputs` (name → shape, and values where a condition needs them) and counts the multiply-adds. */
export function countMacs(graph: OnnxGraph, inputs: Record<string, ShapedValue>, where = 'ONNX model'): MacCount {
  const known = new Map<string, ShapedValue>(Object.entries(inputs));
  const counted: NodeMacs[] = [];
  const fail = (node: OnnxNode, reason: string): never => {
    throw new Error(`${where}: cannot count ${node.opType} ${node.outputs[0] ?? ''}: ${reason}`);
  };
  const shortName = (name: string): string => name.replace(/^.*__/, '');

  const run = (g: OnnxGraph): void => {
    for (const initializer of g.initializers) known.set(initializer.name, { shape: initializer.dims, values: initializer.integers });
    for (const node of g.nodes) {
      const attr = (name: string) => node.attributes.find((a) => a.name === name);
      const input = (i: number): ShapedValue | undefined => (node.inputs[i] ? known.get(node.inputs[i]!) : undefined);
      const need = (i: number): ShapedValue => input(i) ?? fail(node, `input ${i} (${node.inputs[i]}) is unknown`);
      const values = (i: number): number[] => need(i).values ?? fail(node, `input ${i} has no known values`);
      const set = (value: ShapedValue, output = 0): void => void known.set(node.outputs[output]!, value);
      switch (node.opType) {
        case 'Constant': {
          const tensor = attr('value')?.tensor ?? fail(node, 'no tensor value');
          set({ shape: tensor.dims, values: tensor.integers });
          break;
        }
        case 'ConstantOfShape': {
          const shape = values(0);
          set({ shape, values: new Array<number>(product(shape)).fill(attr('value')?.tensor?.integers?.[0] ?? 0) });
          break;
        }
        case 'Identity':
          set(need(0));
          break;
        case 'Cast': {
          const x = need(0);
          set({ shape: x.shape, values: attr('to')?.int === 9 ? x.values?.map((v) => (v !== 0 ? 1 : 0)) : attr('to')?.int === 1 ? undefined : x.values });
          break;
        }
        case 'Shape':
          set({ shape: [need(0).shape.length], values: need(0).shape });
          break;
        case 'Size':
          set({ shape: [], values: [product(need(0).shape)] });
          break;
        case 'Gather': {
          const data = need(0);
          const indices = need(1);
          const axis = positive(attr('axis')?.int ?? 0, data.shape.length);
          const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
          // Values only for a 1-D gather (shape arithmetic).
          const picked = data.shape.length === 1 ? indices.values?.map((i) => data.values?.[positive(i, data.shape[0]!)]) : undefined;
          set({ shape, values: picked?.every((v) => v !== undefined) ? (picked as number[]) : undefined });
          break;
        }
        case 'Equal':
        case 'Not':
        case 'Add':
        case 'Mul':
        case 'Pow':
        case 'Sqrt':
        case 'Relu':
        case 'Sigmoid':
        case 'Tanh': {
          const a = need(0);
          const b = node.inputs.length > 1 ? need(1) : a;
          const shape = broadcast(a.shape, b.shape);
          let out: number[] | undefined;
          if (node.opType === 'Equal' && a.values && b.values && product(shape) === 1) out = [a.values[0] === b.values[0] ? 1 : 0];
          if (node.opType === 'Not' && a.values) out = a.values.map((v) => (v ? 0 : 1));
          set({ shape, values: out });
          break;
        }
        case 'Concat': {
          const parts = node.inputs.map((_, i) => need(i));
          const axis = positive(attr('axis')?.int ?? 0, parts[0]!.shape.length);
          const shape = parts[0]!.shape.map((d, a) => (a === axis ? parts.reduce((n, p) => n + p.shape[a]!, 0) : d));
          set({ shape, values: axis === 0 && parts.every((p) => p.values) ? parts.flatMap((p) => p.values!) : undefined });
          break;
        }
        case 'Reshape': {
          const x = need(0);
          const target = values(1).map((d, i) => (d === 0 && attr('allowzero')?.int !== 1 ? x.shape[i]! : d));
          const missing = target.indexOf(-1);
          if (missing >= 0) target[missing] = product(x.shape) / -product(target);
          set({ shape: target, values: x.values });
          break;
        }
        case 'Unsqueeze': {
          const x = need(0);
          const axes = node.inputs[1] ? values(1) : (attr('axes')?.ints ?? fail(node, 'no axes'));
          const rank = x.shape.length + axes.length;
          const at = new Set(axes.map((a) => positive(a, rank)));
          const rest = [...x.shape];
          set({ shape: Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!)), values: x.values });
          break;
        }
        case 'Squeeze': {
          const x = need(0);
          const axes = node.inputs[1] ? values(1) : attr('axes')?.ints;
          const drop = new Set(axes ? axes.map((a) => positive(a, x.shape.length)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
          set({ shape: x.shape.filter((_, i) => !drop.has(i)), values: x.values });
          break;
        }
        case 'Slice': {
          const x = need(0);
          const axes = node.inputs[3] ? values(3) : x.shape.map((_, i) => i);
          const ranges = sliceRanges(x.shape, values(1), values(2), axes, node.inputs[4] ? values(4) : []);
          const shape = ranges.map((r) => r.count);
          const s = strides(x.shape);
          set({ shape, values: x.values && remap(x.values, shape, (index) => index.reduce((o, i, a) => o + (ranges[a]!.start + i * ranges[a]!.step) * s[a]!, 0)) });
          break;
        }
        case 'Transpose': {
          const x = need(0);
          const perm = attr('perm')?.ints ?? x.shape.map((_, i) => x.shape.length - 1 - i);
          const shape = perm.map((p) => x.shape[p]!);
          const s = strides(x.shape);
          set({ shape, values: x.values && remap(x.values, shape, (index) => index.reduce((o, i, a) => o + i * s[perm[a]!]!, 0)) });
          break;
        }
        case 'Pad': {
          const x = need(0);
          const pads = values(1);
          if (pads.length !== 2 * x.shape.length) fail(node, `${pads.length} pads for rank ${x.shape.length}`);
          set({ shape: x.shape.map((d, i) => d + pads[i]! + pads[i + x.shape.length]!) });
          break;
        }
        case 'ReduceMean': {
          const x = need(0);
          const axes = new Set((node.inputs[1] ? values(1) : (attr('axes')?.ints ?? x.shape.map((_, i) => i))).map((a) => positive(a, x.shape.length)));
          const keep = (attr('keepdims')?.int ?? 1) === 1;
          set({ shape: x.shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d])) });
          break;
        }
        case 'Conv': {
          const x = need(0);
          const w = need(1).shape;
          if (x.shape.length !== 3 || w.length !== 3) fail(node, 'only 1-D convolutions');
          const stride = attr('strides')?.ints?.[0] ?? 1;
          const [padBegin = 0, padEnd = 0] = attr('pads')?.ints ?? [];
          const dilation = attr('dilations')?.ints?.[0] ?? 1;
          const steps = Math.floor((x.shape[2]! + padBegin + padEnd - dilation * (w[2]! - 1) - 1) / stride) + 1;
          const shape = [x.shape[0]!, w[0]!, steps];
          counted.push({ op: 'Conv', name: shortName(node.inputs[1]!), shape, macs: product(shape) * w[1]! * w[2]! });
          set({ shape });
          break;
        }
        case 'LSTM': {
          const [steps, batch, inputSize] = need(0).shape;
          const hidden = attr('hidden_size')?.int ?? fail(node, 'no hidden_size');
          const directions = need(1).shape[0]!;
          if (steps === undefined || batch === undefined || inputSize === undefined) fail(node, 'X is not [steps, batch, input]');
          const shape = [steps!, directions, batch!, hidden];
          counted.push({ op: 'LSTM', name: shortName(node.outputs[0]!), shape, macs: directions * steps! * batch! * 4 * hidden * (inputSize! + hidden) });
          set({ shape }, 0);
          set({ shape: [directions, batch!, hidden] }, 1);
          set({ shape: [directions, batch!, hidden] }, 2);
          break;
        }
        case 'If': {
          const condition = values(0)[0] ?? fail(node, 'an empty condition');
          const branch = attr(condition ? 'then_branch' : 'else_branch')?.graphs[0] ?? fail(node, 'a missing branch');
          run(branch);
          node.outputs.forEach((o, i) => known.set(o, known.get(branch.outputs[i] ?? '') ?? fail(node, `branch output ${i} unknown`)));
          break;
        }
        default:
          fail(node, 'unknown operator');
      }
    }
  };
  run(graph);
  return {
    nodes: counted,
    macs: counted.reduce((n, node) => n + node.macs, 0),
    outputShapes: Object.fromEntries(graph.outputs.map((o) => [o, known.get(o)?.shape ?? []])),
  };
}

