/**
 * The page's plain-language help, one entry per control or chart (shown by <Help topic=…>).
 * Numbers quoted here are this repo's own (README tables); formulas are those in src/dcl/.
 */
export interface HelpEntry {
  /** What the help is about, for its button's accessible name ("Help: …"). */
  title: string;
  paragraphs: string[];
}

export const HELP = {
  alpha: {
    title: 'complexity weight α',
    paragraphs: [
      'α sets how much compute costs in the loss: L = L_task + α · C(K) / C(K_max), where C is the model’s FLOP/s at its current widths K. At α = 0 only accuracy counts; the larger α, the further the widths shrink, until the accuracy they would lose outweighs the FLOP/s they would save.',
      'It is live: a running training uses a new α from its next step. The slider is logarithmic from 10⁻³ to 30, with 0 at its left end.',
    ],
  },
  budget: {
    title: 'FLOP/s budget',
    paragraphs: [
      'Instead of choosing α, give the FLOP/s you can afford. The worker then adjusts α itself at every step (a PI controller: α rises while the model costs more than the budget and eases off below it), and the page shows the α in use.',
      'Typed in MFLOP/s for the VAD models (10 ms frames, 100 calls a second) and in kFLOP/s for the synthetic MLP (per sample).',
    ],
  },
  family: {
    title: 'model family and init',
    paragraphs: [
      'CRNN-like and transformer-like VADs decide, every 10 ms, whether a frame of 16 kHz audio is speech; they train on the bundled speech and noise. The synthetic MLP learns a small regression in a fraction of a second per step, for quick experiments.',
      'Init “pretrained full width” starts a VAD from weights the command-line sweep trained at full width, so you watch a good model shrink; “from scratch” starts from random weights. A uniform model below full width started from them keeps the first units of every width of the full model (the units a learned width keeps).',
    ],
  },
  method: {
    title: 'width methods: DCL, uniform, straight-through',
    paragraphs: [
      'DCL (the paper’s method) learns each layer’s width K by gradient descent: the boundary unit is partly replaced by noise of its own scale, which makes the loss a smooth function of K.',
      'Uniform is the plain baseline: every layer keeps the same fixed fraction of its units (trained from scratch, or from the pretrained model’s first units); nothing is learned about which layer can be narrow.',
      'Straight-through is a second learned baseline: a hard on/off mask at round(K) forward, with the gradient of a soft ramp passed backward.',
    ],
  },
  kappaMin: {
    title: 'κ_min',
    paragraphs: [
      'The least each width may keep: K ≥ κ_min · N for a layer of N units, however large α is. κ = K / N is the fraction kept. With κ_min = 1 a width cannot shrink at all.',
    ],
  },
  training: {
    title: 'training settings',
    paragraphs: [
      'Steps: optimizer steps of the run. Batch size: examples per step (1 s clips for the VADs). Learning rate: Adam’s, for the weights; both rates decay along a cosine to 10 % by the last step.',
      'κ learning rate: plain gradient descent on the widths κ = K / N (0 freezes them). Validate every: how often the held-out error is measured (a point on the accuracy chart). Seed: the same seed gives the same run.',
    ],
  },
  accuracy: {
    title: 'accuracy against FLOP/s',
    paragraphs: [
      'Each point is a model’s validation error against its compute, FLOP/s on a log axis: down and to the left is better. The running model draws a trail from its first point (scored before step 1) onwards; finished runs are counted on their consolidated, physically smaller model.',
      'EER (VAD): the equal error rate, where missed speech and false alarms are equally frequent; lower is better, 50 % is chance. MSE (synthetic): mean squared error on held-out draws; lower is better, 0.01 is the noise floor.',
      'The Pareto front joins the runs that no other run beats on both FLOP/s and error.',
    ],
  },
  widths: {
    title: 'widths over steps',
    paragraphs: [
      'Each learnable width as the fraction κ = K / N it keeps, step by step; dashed lines are the κ_min bounds. Units i < ⌊K⌋ are fully on, one boundary unit partly, the rest exactly zero: a_i = clip(K − i, 0, 1).',
    ],
  },
  loss: {
    title: 'loss curves',
    paragraphs: [
      'Task loss: how wrong the model is on the training batch (binary cross-entropy for the VADs, squared error for the MLP). Complexity term: α · C(K) / C(K_max), what the current FLOP/s cost in the loss. Their sum is what training lowers.',
    ],
  },
  summary: {
    title: 'the finished run',
    paragraphs: [
      'A finished DCL model is consolidated: units that are off are cut out and the boundary unit’s weight folded in, giving an ordinary smaller network with the same outputs. Its FLOP/s and parameters are counted again from the shapes it really holds; latency is timed on this browser.',
      'AUC (VAD): area under the ROC curve of the frame decisions; higher is better, 1 is perfect, 0.5 is chance. EER by SNR: the error in noisier (low dB) to cleaner (high dB) scenes.',
    ],
  },
  stats: {
    title: 'training numbers',
    paragraphs: ['Step, speed and time left of the running training, its FLOP/s now (continuous widths, before consolidation), the α in use, and the worker’s backend and memory.'],
  },
  runs: {
    title: 'finished runs',
    paragraphs: [
      'Every finished run is kept in this browser. “show” opens its details: setup, consolidated FLOP/s and parameters, its widths against κ_min and, for a VAD, the EER in each SNR bin. “Restore this setup” puts its exact settings back into the controls; “Compare with” shows a second run beside it.',
      '“Train on at these widths” (a VAD whose widths were learned) trains the run’s consolidated model itself on, at its fixed widths, for as many steps again: a learned-width model usually gains from it, and the baselines it is compared with trained every step at fixed widths.',
      'Export writes all runs as CSV (one column per field, for a spreadsheet) or JSON; either file imports back into the table.',
    ],
  },
  curve: {
    title: 'draw the curve',
    paragraphs: [
      'One click trains a whole trade-off curve in the worker: a DCL run for each α of the grid (or for each FLOP/s budget, with α steered to it), then, for each, a uniform-width model with the FLOP/s that DCL run reached and a straight-through model held just below them. Every run uses the steps, batch, learning rates and seed in the controls, so the methods differ only in how they choose widths (the command-line sweep’s policy).',
      'Each method’s Pareto front is drawn: a learned-width curve below and left of the uniform one means learning the widths paid off. Finished runs are kept; after a reload an unfinished sweep can be resumed.',
    ],
  },
} satisfies Record<string, HelpEntry>;

export type HelpTopic = keyof typeof HELP;
export const HELP_TOPICS = Object.keys(HELP) as HelpTopic[];
