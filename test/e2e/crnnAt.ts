import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importWeights, type SavedWeights } from '../../src/dcl/weights';
import { MODEL_FAMILIES } from '../../src/models/registry';
import { bundledModel, modelFromNetwork, savedNormalisation, type VadModel } from '../../src/runtime';

/**
 * The bundled full-width CRNN with every width at κ, consolidated as the page would export it
 * (a user's model to import); κ = 1 is `crnn-full` itself. Runs on the current tfjs backend.
 */
export async function crnnAt(kappa: number): Promise<VadModel> {
  const saved = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/models/crnn-full.weights.json'), 'utf8')) as SavedWeights;
  if (kappa === 1) return bundledModel('crnn-full', saved);
  const network = MODEL_FAMILIES.crnn.build({ seed: 0, features: savedNormalisation(saved) });
  try {
    importWeights(network, saved, 'crnn weights');
    for (const width of network.learnableWidths()) width.setKappa(kappa);
    return await modelFromNetwork(network, { name: `crnn at ${Math.round(100 * kappa)} %` });
  } finally {
    network.dispose();
  }
}
