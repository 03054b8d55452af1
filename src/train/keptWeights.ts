/**
 * A finished run's training weights, kept so that it can be continued later: every trainable
 * tensor of its network as it trained (not consolidated: a continued run trains the same
 * full-size network) and the κ of each learnable width, so the widths go on from where they
 * ended. Plain typed arrays, so they structured-clone to the page and into IndexedDB as bytes
 * (no base64, unlike the bundled weights files of dcl/weights.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Network } from '../dcl/network';
import { checkTensorLayout, layerVariables } from '../dcl/weights';
import { attentionContextOf, UNRECORDED_TRANSFORMER_CONTEXT } from '../models/transformer';
import type { RunConfig } from '../protocol';
import type { ExportedModel } from '../runtime/exportModel';

export const KEPT_WEIGHTS_FORMAT = 'width-explorer-kept/1';

export interface KeptWeights {
  format: typeof KEPT_WEIGHTS_FORMAT;
  /** Network.name of the network they came from (checked when loaded). */
  network: string;
  tensors: { layer: string; shape: number[]; values: Float32Array }[];
  /** κ = K/N of every learnable width, in network order. */
  kappa: { name: string; value: number }[];
  /** A transformer's attention context in frames (absent: a transformer kept before it was recorded, 16 frames). */
  attentionContext?: number;
}

/** The attention context a network continuing these weights must be built with (undefined: not a transformer). */
export function keptAttentionContext(kept: KeptWeights): number | undefined {
  return kept.attentionContext ?? (kept.network === 'transformer' ? UNRECORDED_TRANSFORMER_CONTEXT : undefined);
}

/** Reads the network's weights and widths (asynchronously, so GPU backends are not blocked on a sync read). */
export async function keepWeights(network: Network): Promise<KeptWeights> {
  const targets = layerVariables(network);
  const values = await Promise.all(targets.map(({ variable }) => variable.data() as Promise<Float32Array>));
  const widths = network.learnableWidths();
  const kappas = await Promise.all(widths.map((w) => w.kappa.data()));
  const attentionContext = attentionContextOf(network);
  return {
    format: KEPT_WEIGHTS_FORMAT,
    network: network.name,
    tensors: targets.map(({ layer, variable }, i) => ({ layer, shape: variable.shape, values: Float32Array.from(values[i]!) })),
    kappa: widths.map((w, i) => ({ name: w.name, value: kappas[i]![0]! })),
    ...(attentionContext === undefined ? {} : { attentionContext }),
  };
}

/** Bytes of tensor data (what a kept run costs in storage, besides a few hundred bytes of names and shapes). */
export function keptWeightBytes(kept: KeptWeights): number {
  return kept.tensors.reduce((sum, t) => sum + t.values.byteLength, 0);
}

/**
 * Loads kept weights into a network built from the same setup: layer by layer, shape by shape,
 * and each width's κ (held within its κ_min bound). Throws with what does not match.
 */
export function applyKeptWeights(network: Network, kept: KeptWeights, source: string): void {
  if (kept?.format !== KEPT_WEIGHTS_FORMAT) throw new Error(`${source}: not kept weights of this app`);
  if (kept.network !== network.name) throw new Error(`${source}: weights are for "${kept.network}", not "${network.name}"`);
  if (keptAttentionContext(kept) !== attentionContextOf(network)) {
    throw new Error(`${source}: weights attend over ${keptAttentionContext(kept)} frames, the model over ${attentionContextOf(network)}`);
  }
  const targets = layerVariables(network);
  checkTensorLayout(targets, kept.tensors, source);
  targets.forEach(({ layer, variable }, i) => {
    const t = kept.tensors[i]!;
    if (t.values.length !== variable.size) throw new Error(`${source}: tensor ${i} (${layer}) has ${t.values.length} values, expected ${variable.size}`);
  });
  const widths = network.learnableWidths();
  const names = (list: { name: string }[]) => list.map((w) => w.name).join(', ');
  if (names(widths) !== names(kept.kappa)) throw new Error(`${source}: widths are [${names(kept.kappa)}], the model learns [${names(widths)}]`);
  const bad = kept.kappa.find((k) => !Number.isFinite(k.value) || k.value <= 0 || k.value > 1);
  if (bad !== undefined) throw new Error(`${source}: κ of ${bad.name} is ${bad.value}, not in (0, 1]`);
  targets.forEach(({ variable }, i) => tf.tidy(() => variable.assign(tf.tensor(kept.tensors[i]!.values, variable.shape))));
  widths.forEach((w, i) => w.setKappa(Math.min(1, Math.max(w.kappaMin, kept.kappa[i]!.value))));
}

/**
 * Why a run cannot start with what it was given, or null: a continued run (config.continuedFrom)
 * needs its run's kept weights, a run at a consolidated model's widths (config.trainedAtWidthsOf)
 * needs that model, and neither comes without the run it names.
 */
export function startingWeightsProblem(config: RunConfig, weights: KeptWeights | undefined, model?: ExportedModel): string | null {
  if (config.continuedFrom !== undefined && weights === undefined) {
    return `it continues run ${config.continuedFrom}, whose kept weights did not come with it (deleted?): start it from the run's details again, or train from the controls`;
  }
  if (config.continuedFrom === undefined && weights !== undefined) return 'it was given starting weights but names no run to continue';
  if (config.trainedAtWidthsOf !== undefined && model === undefined) {
    return `it trains at the widths of run ${config.trainedAtWidthsOf.runId}, whose consolidated model did not come with it (deleted?): start it from the run's details again`;
  }
  if (config.trainedAtWidthsOf === undefined && model !== undefined) return 'it was given a consolidated model but names no run whose widths it trains at';
  if (weights !== undefined && model !== undefined) return 'it was given both kept weights and a consolidated model: it starts from one';
  return null;
}

/**
 * The setup of a run that trains a finished run's consolidated model on at its widths: the
 * finished run's steps, batch, learning rate and seed; fixed widths (the whole of the smaller
 * model), so no α, budget, band or distillation; it names the method that learned those widths.
 */
export function atWidthsConfig(source: RunConfig, sourceRunId: string): RunConfig {
  const { continuedFrom: _continued, trainedAtWidthsOf: _trained, budgetInterval: _band, distillation: _beta, distillationTeacher: _teacher, ...setup } = source;
  const learnedBy = source.trainedAtWidthsOf?.learnedBy ?? source.method;
  return { ...setup, method: 'uniform', uniformFraction: 1, alpha: 0, budgetFlopsPerSecond: null, init: 'scratch', trainedAtWidthsOf: { runId: sourceRunId, learnedBy } };
}
