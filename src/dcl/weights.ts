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
    tensors: network.layers.flatMap((layer) =>
      layer.variables().map((v) => ({ layer: layer.name, shape: v.shape, base64: toBase64(new Uint8Array((v.dataSync() as Float32Array).slice().buffer)) })),
    ),
  };
}

/** Load weights saved from a network of the same architecture (checked layer by layer, shape by shape). */
export function importWeights(network: Network, saved: SavedWeights, source: string): void {
  if (saved?.format !== 'width-explorer-weights/1') throw new Error(`${source}: not a weights file of this app`);
  if (saved.network !== network.name) throw new Error(`${source}: weights are for "${saved.network}", not "${network.name}"`);
  const targets = network.layers.flatMap((layer) => layer.variables().map((v) => ({ layer: layer.name, variable: v })));
  if (targets.length !== saved.tensors.length) {
    throw new Error(`${source}: holds ${saved.tensors.length} tensors, the model has ${targets.length}`);
  }
  targets.forEach(({ layer, variable }, i) => {
    const t = saved.tensors[i];
    if (t.layer !== layer || t.shape.join() !== variable.shape.join()) {
      throw new Error(`${source}: tensor ${i} is ${t.layer} [${t.shape}], the model expects ${layer} [${variable.shape}]`);
    }
    const values = new Float32Array(fromBase64(t.base64).buffer);
    if (values.length !== variable.size) throw new Error(`${source}: tensor ${i} (${layer}) has ${values.length} values, expected ${variable.size}`);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  });
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
