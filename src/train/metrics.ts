/**
 * Frame-level detection metrics. Scores: higher = more likely speech; labels 1/0.
 */

/** Area under the ROC curve (Mann–Whitney U with tie correction). */
export function areaUnderCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = sortedIndices(scores);
  let positives = 0;
  let negatives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) j++;
    const averageRank = (i + j + 1) / 2; // ranks are 1-based
    for (let k = i; k < j; k++) if (labels[order[k]] === 1) rankSum += averageRank;
    i = j;
  }
  for (let i = 0; i < labels.length; i++) labels[i] === 1 ? positives++ : negatives++;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Equal error rate: the threshold sweep point where the false-acceptance rate
 * (non-speech scored as speech) and the false-rejection rate are closest; their mean.
 */
export function equalErrorRate(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = sortedIndices(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  // Threshold below everything: accept all → FAR 1, FRR 0. Raise it past each group of equal scores.
  let falseAccepts = negatives;
  let falseRejects = 0;
  let best = { gap: Infinity, eer: NaN };
  const consider = () => {
    const far = falseAccepts / negatives;
    const frr = falseRejects / positives;
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, eer: (far + frr) / 2 };
  };
  consider();
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      labels[order[j]] === 1 ? falseRejects++ : falseAccepts--;
      j++;
    }
    consider();
    i = j;
  }
  return best.eer;
}

export const SNR_BINS = [
  { label: '< 5 dB', low: -Infinity, high: 5 },
  { label: '5–15 dB', low: 5, high: 15 },
  { label: '15–25 dB', low: 15, high: 25 },
  { label: '≥ 25 dB', low: 25, high: Infinity },
] as const;

export interface DetectionMetrics {
  eer: number;
  auc: number;
  /** EER per SNR bin (SNR_BINS order); NaN where a bin holds only one class. */
  eerBySnr: number[];
  frames: number;
}

/** Pooled EER and AUC, and EER by SNR bin as in the seed paper. */
export function detectionMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, snrDb: ArrayLike<number>): DetectionMetrics {
  if (scores.length !== labels.length || scores.length !== snrDb.length) {
    throw new Error(`detectionMetrics: ${scores.length} scores, ${labels.length} labels, ${snrDb.length} SNRs`);
  }
  const eerBySnr = SNR_BINS.map(({ low, high }) => {
    const s: number[] = [];
    const l: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (snrDb[i] >= low && snrDb[i] < high) {
        s.push(scores[i]);
        l.push(labels[i]);
      }
    }
    return equalErrorRate(s, l);
  });
  return { eer: equalErrorRate(scores, labels), auc: areaUnderCurve(scores, labels), eerBySnr, frames: scores.length };
}

function sortedIndices(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => values[a] - values[b]);
}
