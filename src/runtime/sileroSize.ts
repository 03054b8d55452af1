/**
 * Silero VAD's size, counted from its ONNX file (src/runtime/onnxGraph.ts). The file holds two
 * models behind an If on the sample rate: one for 16 kHz (the one our lanes run) and one for
 * 8 kHz. Their weights are Constant nodes named after PyTorch's parameters (`encoder.0.
 * reparam_conv.weight`, `decoder.rnn.weight_ih`, …); besides them the 16 kHz model stores a
 * fixed STFT basis (`stft.forward_basis_buffer`), which is not learned and is counted apart.
 */
import { SAMPLE_RATE } from '../audio/frames';
import { elementCount, graphWeights, readOnnxGraph, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnxGraph';
import { countMacs, type NodeMacs } from './onnxMacs';
import { SILERO_CONTEXT, SILERO_STATE_SHAPE, SILERO_WINDOW } from './silero';

/** A learned parameter: a float32 tensor named like a PyTorch module's weight or bias. */
const LEARNED = /\.(weight|bias)(_ih|_hh)?$/;
const FLOAT32 = 1;

export interface SileroSize {
  /** Learned weights of the 16 kHz model, counted from each tensor's dims. */
  parameters: number;
  /** The same, counted from the stored bytes (4 per float32 value): a check of the dims. */
  parametersFromBytes: number;
  /** Fixed (not learned) float values the 16 kHz model stores: the STFT basis. */
  fixedValues: number;
  /** The 16 kHz model's learned tensors: short name (the part after the graph's prefix) and dims. */
  tensors: { name: string; dims: number[] }[];
  /** Bytes of every weight in the file (both models) and the file's size: the weights are nearly all of it. */
  weightBytes: number;
  fileBytes: number;
  /**
   * Multiply-adds of one call as our lane makes it (512 new samples at 16 kHz with 64 of
   * context, state carried), counted in the Conv and LSTM nodes of the path the call takes
   * (src/runtime/onnxMacs.ts); the STFT (a Conv with the fixed basis) is part of them.
   */
  macsPerCall: number;
  stftMacsPerCall: number;
  macNodes: NodeMacs[];
  /** 2 FLOPs per multiply-add, 31.25 calls per second of audio: comparable with our models' counted FLOP/s. */
  flopsPerSecond: number;
}

function producer(graph: OnnxGraph, output: string): OnnxNode | undefined {
  return graph.nodes.find((node) => node.outputs.includes(output));
}

/** The If branch taken when the `sr` input equals 16000. */
function branchFor16k(graph: OnnxGraph, where: string): OnnxGraph {
  for (const node of graph.nodes) {
    if (node.opType !== 'If') continue;
    const condition = producer(graph, node.inputs[0] ?? '');
    if (condition?.opType !== 'Equal' || !condition.inputs.includes('sr')) continue;
    const other = condition.inputs.find((input) => input !== 'sr') ?? '';
    const constant = producer(graph, other)?.attributes.find((a) => a.tensor !== undefined)?.tensor;
    const rate = constant?.integers?.[0];
    const branch = (name: string) => node.attributes.find((a) => a.name === name)?.graphs[0];
    const taken = rate === 16000 ? branch('then_branch') : branch('else_branch');
    if (taken !== undefined) return taken;
  }
  throw new Error(`${where}: no If on sr == 16000 in the main graph (not a Silero v5/v6 layout)`);
}

export function sileroSize(onnxBytes: Uint8Array, where = 'Silero ONNX'): SileroSize {
  const graph = readOnnxGraph(onnxBytes, where);
  const weights16k = graphWeights(branchFor16k(graph, where)).filter((t) => t.dataType === FLOAT32);
  const learned = weights16k.filter((t) => LEARNED.test(t.name));
  if (learned.length === 0) throw new Error(`${where}: the 16 kHz model has no tensors named *.weight / *.bias`);
  const shortName = (t: OnnxTensor): string => t.name.replace(/^.*__/, '');
  const count = countMacs(graph, { input: { shape: [1, SILERO_CONTEXT + SILERO_WINDOW] }, state: { shape: SILERO_STATE_SHAPE }, sr: { shape: [], values: [SAMPLE_RATE] } }, where);
  // The run must end where the model does: one probability and the next state.
  const shapes = Object.values(count.outputShapes).map((shape) => shape.join('×'));
  if (shapes.join(', ') !== `1×1, ${SILERO_STATE_SHAPE.join('×')}`) throw new Error(`${where}: counting multiply-adds ended at outputs ${shapes.join(', ')}, not 1×1 and the state`);
  return {
    parameters: learned.reduce((n, t) => n + elementCount(t), 0),
    parametersFromBytes: learned.reduce((n, t) => n + t.byteLength / 4, 0),
    fixedValues: weights16k.filter((t) => t.name.endsWith('_buffer')).reduce((n, t) => n + elementCount(t), 0),
    tensors: learned.map((t) => ({ name: shortName(t), dims: t.dims })),
    weightBytes: graphWeights(graph).reduce((n, t) => n + t.byteLength, 0),
    fileBytes: onnxBytes.length,
    macsPerCall: count.macs,
    stftMacsPerCall: count.nodes.filter((n) => n.name.endsWith('_buffer')).reduce((n, node) => n + node.macs, 0),
    macNodes: count.nodes,
    flopsPerSecond: (2 * count.macs * SAMPLE_RATE) / SILERO_WINDOW,
  };
}
