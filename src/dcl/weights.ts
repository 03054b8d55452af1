import * as tf from '@tensorflow/tfjs';
import type { Network } from './network';

/** A network's trainable weights as plain data (JSON-safe: float32 bytes in base64). */
export interface SavedWeights {
  format: 'width-explorer-weights/1';
  network: string;
  /** How the file was made (command, steps, metrics), for the record. */
  provenance: Record<string, string | number>;
  tensors: { layer: string; shape: number[]; base64: string }[];
}

export function exportWeights(network: Network, provenance: SavedWeights['provenance'] = {}): SavedWeights {
  return {
    format: 'width-explorer-weights/1',
    network: network.name,
    provenance,
    tensors: layerVariables(network).map(({ layer, variable: v }) => ({ layer, shape: v.shape, base64: toBase64(new Uint8Array((v.dataSync() as Float32Array).slice().buffer)) })),
  };
}

/** Every trainable tensor of the network with its layer's name, in the order weights are saved. */
export function layerVariables(network: Network): { layer: string; variable: tf.Variable }[] {
  return network.layers.flatMap((layer) => layer.variables().map((variable) => ({ layer: layer.name, variable })));
}

/** Throws, naming the first mismatch, unless `tensors` are the network's tensors one by one (layer and shape). */
export function checkTensorLayout(targets: ReturnType<typeof layerVariables>, tensors: readonly { layer: string; shape: number[] }[], source: string): void {
  if (targets.length !== tensors.length) throw new Error(`${source}: holds ${tensors.length} tensors, the model has ${targets.length}`);
  targets.forEach(({ layer, variable }, i) => {
    const t = tensors[i]!;
    if (t.layer !== layer || t.shape.join() !== variable.shape.join()) {
      throw new Error(`${source}: tensor ${i} is ${t.layer} [${t.shape}], the model expects ${layer} [${variable.shape}]`);
    }
  });
}

/** Load weights saved from a network of the same architecture (checked layer by layer, shape by shape). */
export function importWeights(network: Network, saved: SavedWeights, source: string): void {
  if (saved?.format !== 'width-explorer-weights/1') throw new Error(`${source}: not a weights file of this app`);
  if (saved.network !== network.name) throw new Error(`${source}: weights are for "${saved.network}", not "${network.name}"`);
  const targets = layerVariables(network);
  checkTensorLayout(targets, saved.tensors, source);
  targets.forEach(({ layer, variable }, i) => {
    const t = saved.tensors[i];
    const values = new Float32Array(fromBase64(t.base64).buffer);
    if (values.length !== variable.size) throw new Error(`${source}: tensor ${i} (${layer}) has ${values.length} values, expected ${variable.size}`);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  });
}

/** Copy every trainable tensor of `source` into `target`, a network of the same layout (checked layer by layer, shape by shape). */
export function copyWeights(target: Network, source: Network, description: string): void {
  if (source.name !== target.name) throw new Error(`${description}: weights are for "${source.name}", not "${target.name}"`);
  const targets = layerVariables(target);
  const sources = layerVariables(source);
  checkTensorLayout(targets, sources.map(({ layer, variable }) => ({ layer, shape: variable.shape })), description);
  targets.forEach(({ variable }, i) => variable.assign(sources[i]!.variable));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
