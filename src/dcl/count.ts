import type { Network } from './network';

/**
 * Independent FLOP and parameter count of a network from the shapes its layers
 * actually hold (not from the complexity polynomial). Used to check the
 * polynomial and to report a consolidated model's real cost.
 */
export type PrimitiveOp =
  | { op: 'linear'; in: number; out: number }
  | { op: 'conv1d'; cIn: number; cOut: number; kernel: number; groups: number; lOut: number }
  | { op: 'gru'; in: number; hidden: number; steps: number }
  | { op: 'activation'; fn: 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'silu'; elements: number }
  | { op: 'layernorm'; features: number }
  | { op: 'softmax'; entries: number; count: number }
  | { op: 'attention'; length: number; embed: number; heads: number }
  | { op: 'melFilterbank'; nFreq: number; nMels: number }
  /** Attention per query frame over `context` frames: the attention count for `context` frames / context. */
  | { op: 'windowedAttention'; context: number; embed: number; heads: number };

const PER_ELEMENT = { linear: 0, relu: 1, sigmoid: 3, tanh: 7, silu: 4 };

export function primitiveFlops(p: PrimitiveOp): number {
  switch (p.op) {
    case 'linear':
      return 2 * p.in * p.out;
    case 'conv1d':
      return (2 * p.cOut * p.lOut * p.cIn * p.kernel) / p.groups;
    case 'gru':
      return 6 * p.steps * p.hidden * (p.in + p.hidden + 3.5);
    case 'activation':
      return PER_ELEMENT[p.fn] * p.elements;
    case 'layernorm':
      return 7 * p.features + 4;
    case 'softmax':
      return p.count * (4 * p.entries - 1);
    case 'attention': {
      const { length: L, embed: E, heads } = p;
      return heads * L * (2 * E * (3 * E + 2 * L - 2) + 4 * L - 1);
    }
    case 'melFilterbank':
      return (2 * p.nFreq - 1) * p.nMels;
    case 'windowedAttention': {
      const { context: L, embed: E, heads } = p;
      return heads * (2 * E * (3 * E + 2 * L - 2) + 4 * L - 1);
    }
  }
}

export interface LayerCount {
  name: string;
  flopsPerCall: number;
  parameters: number;
}

export interface NetworkCount {
  layers: LayerCount[];
  flopsPerCall: number;
  flopsPerSecond: number;
  parameters: number;
}

export function countNetwork(network: Network): NetworkCount {
  const layers = network.layers.map((layer) => ({
    name: layer.name,
    flopsPerCall: layer.primitives().reduce((sum, p) => sum + primitiveFlops(p), 0),
    parameters: layer.variables().reduce((sum, v) => sum + v.size, 0),
  }));
  const flopsPerCall = layers.reduce((s, l) => s + l.flopsPerCall, 0);
  return {
    layers,
    flopsPerCall,
    flopsPerSecond: flopsPerCall * network.callsPerSecond,
    parameters: layers.reduce((s, l) => s + l.parameters, 0),
  };
}
