import * as tf from '@tensorflow/tfjs';
import { countNetwork } from '../dcl/count';
import type { Network } from '../dcl/network';
import { readUnits, type LearnableWidth } from '../dcl/width';
import type { BudgetChange, Evaluation, ProgressEvent, RunConfig, RunSummary, WidthState } from '../protocol';
import { MAX_PROGRESS_HZ } from '../protocol';
import { MODEL_FAMILIES } from '../models/registry';
import { DivergenceWatch, WeightSnapshot, type Divergence } from './divergence';
import { EvaluationStopped, type EvaluationProgress, type TrainingTask } from './task';
import { WidthTrainer, type TrainerConfig } from './trainer';
import { calibrateOnValidation } from './calibration';

/** Live controls of a running session; the worker writes them, the loop reads them every step. */
export class RunControl {
  alpha: number;
  budgetFlopsPerSecond: number | null;
  stopped = false;
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private holds = 0;
  private resumeAfterHold = false;

  constructor(config: Pick<RunConfig, 'alpha' | 'budgetFlopsPerSecond'>) {
    this.alpha = config.alpha;
    this.budgetFlopsPerSecond = config.budgetFlopsPerSecond;
  }
  get isPaused(): boolean {
    return this.paused;
  }
  pause(): void {
    this.paused = true;
    this.resumeAfterHold = false;
  }
  /** Called each time a paused run goes on: at once on resume, or once the hold it waited for has settled. */
  onResumed: (() => void) | null = null;
  /** Resumes a paused run; false when a hold defers it (onResumed says when it happens). */
  resume(): boolean {
    if (this.holds > 0) {
      this.resumeAfterHold = true;
      return false;
    }
    const wasPaused = this.paused;
    this.paused = false;
    this.resumeWaiters.splice(0).forEach((wake) => wake());
    if (wasPaused && !this.stopped) this.onResumed?.();
    return true;
  }
  /**
   * Runs `work` on the paused run's network while no step may run (a paused run's export
   * shifts its output bias for a while): a resume or stop asked for meanwhile takes effect
   * once `work` has settled.
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work();
    } finally {
      this.holds--;
      if (this.holds === 0 && this.resumeAfterHold) {
        this.resumeAfterHold = false;
        this.resume();
      }
    }
  }
  stop(): void {
    this.stopped = true;
    this.resume();
  }
  waitWhilePaused(): Promise<void> {
    return this.paused ? new Promise((wake) => this.resumeWaiters.push(wake)) : Promise.resolve();
  }
}

export type SessionEvent =
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'paused' }
  | { type: 'finished'; summary: RunSummary };

/**
 * Budget mode treats α as the Lagrange multiplier of the constraint C ≤ budget: a PI controller
 * on the relative excess e = C/budget − 1, so α stays in [0, LIMIT] (a negative α would reward
 * FLOPs). The widths' Adam keeps moving κ for ~15 steps after the pressure stops, and at α = 0
 * nothing pulls them back up, so the excess is taken at where C is heading: the FLOP/s now
 * plus LOOKAHEAD steps of their smoothed change. Without it a synthetic run at a budget of
 * 40 % of full ended at 31 % of the budget; with it, at 85–90 % (test/session.test.ts).
 */
export class BudgetController {
  static readonly PROPORTIONAL = 1;
  static readonly INTEGRAL = 0.01;
  static readonly LOOKAHEAD = 15;
  /** Weight of the newest step in the smoothed FLOP/s change per step. */
  static readonly SMOOTHING = 0.3;
  static readonly LIMIT = 50;
  private integral: number;
  private last: number | null = null;
  private velocity = 0;

  constructor(startAlpha: number) {
    this.integral = startAlpha;
  }

  update(flopsPerSecond: number, budget: number): number {
    if (this.last !== null) this.velocity += BudgetController.SMOOTHING * (flopsPerSecond - this.last - this.velocity);
    this.last = flopsPerSecond;
    const excess = (flopsPerSecond + BudgetController.LOOKAHEAD * this.velocity) / budget - 1;
    const limit = BudgetController.LIMIT;
    this.integral = Math.max(0, Math.min(limit, this.integral + BudgetController.INTEGRAL * excess));
    return Math.max(0, Math.min(limit, this.integral + BudgetController.PROPORTIONAL * excess));
  }
}

export interface SessionOptions {
  runId: string;
  config: RunConfig;
  task: TrainingTask;
  control: RunControl;
  backend: string;
  /** Lets the host's message handlers run between steps (the worker must see pause/α). */
  yieldToHost?: () => Promise<void>;
  now?: () => number;
  /** Emit progress every this many steps instead of by wall time (command-line runs). */
  progressEvery?: number;
  /** Budget-interval penalty instead of α (the straight-through baseline's training). */
  budgetInterval?: TrainerConfig['budgetInterval'];
  /** Dropout while training (TrainerConfig.dropout); none when absent. */
  dropout?: number;
  /** Decoupled weight decay of the weight matrices (TrainerConfig.weightDecay); none when absent. */
  weightDecay?: number;
  /** Score the model before its first step, so the trajectory starts where the run starts (the page does). */
  evaluateAtStart?: boolean;
  /**
   * Calibrate a VAD when its run ends (default true): fold into its output bias the logit shift
   * that puts its final validation pass's pooled best-F1 threshold at 0.5. The sweep turns it
   * off: it calibrates after choosing a checkpoint.
   */
  calibrate?: boolean;
  /**
   * What a long validation pass is doing ("validating… 3/20"; '' when it is done), and when
   * it pauses in the middle: the host shows it (the generator cannot yield from inside a pass).
   */
  onStatus?: (status: { state: 'running' | 'paused'; detail: string }) => void;
}

/**
 * Between chunks of a validation pass: report how far it is, let the host's messages in,
 * wait while paused, and abandon the pass on Stop (EvaluationStopped), so Stop and Pause act
 * within a chunk's time instead of the whole pass's.
 */
function validationProgress(options: SessionOptions): EvaluationProgress {
  const { control } = options;
  const yieldToHost = options.yieldToHost ?? (() => Promise.resolve());
  return async (done, total) => {
    options.onStatus?.({ state: 'running', detail: done < total ? `validating… ${done}/${total}` : '' });
    await yieldToHost();
    if (control.isPaused && !control.stopped) {
      options.onStatus?.({ state: 'paused', detail: `paused while validating (${done}/${total})` });
      await control.waitWhilePaused();
      if (!control.stopped) options.onStatus?.({ state: 'running', detail: `validating… ${done}/${total}` });
    }
    if (control.stopped) throw new EvaluationStopped();
  };
}

/** The pass's evaluation, or null when Stop abandoned it. */
async function validate(options: SessionOptions, network: Network): Promise<Evaluation | null> {
  try {
    return await options.task.evaluate(network, 'validation', validationProgress(options));
  } catch (error) {
    if (error instanceof EvaluationStopped) return null;
    throw error;
  } finally {
    options.onStatus?.({ state: 'running', detail: '' });
  }
}

/** Train a task, yielding progress at most MAX_PROGRESS_HZ times a second plus every evaluation. */
export async function* trainSession(options: SessionOptions): AsyncGenerator<SessionEvent> {
  const { runId, config, task, control } = options;
  const now = options.now ?? (() => performance.now());
  const yieldToHost = options.yieldToHost ?? (() => Promise.resolve());
  const trainer = new WidthTrainer(task.network, task.taskLoss, {
    alpha: control.alpha,
    learningRate: config.learningRate,
    kappaLearningRate: config.kappaLearningRate,
    seed: config.seed,
    budgetInterval: options.budgetInterval ?? config.budgetInterval,
    dropout: options.dropout,
    weightDecay: options.weightDecay,
  });
  const widths = task.network.learnableWidths();
  // A uniform baseline's own network is its smaller fixed width: "full" is the family's full width.
  const reference = fullWidthReference(config);
  const fullFlopsPerSecond = (reference ?? task.network).fullFlopsPerSecond();
  const variables = [...task.network.weightVariables(), ...widths.map((w) => w.kappa)];
  const watch = new DivergenceWatch();
  let lastGood: WeightSnapshot | null = null;
  let diverged: Divergence | null = null;
  const budgetHistory: BudgetChange[] = [{ step: 0, flopsPerSecond: control.budgetFlopsPerSecond }];
  const started = now();
  let pausedMs = 0;
  const elapsedSeconds = () => (now() - started - pausedMs) / 1000;
  let activeMs = 0;
  let lastEmit = -Infinity;
  let skipped = 0;
  let step = 0;
  let evaluation: Evaluation | null = null;
  let lastEvaluation: RunOutcome['lastEvaluation'] = null;
  let budget: BudgetController | null = null;
  try {
    if (options.evaluateAtStart === true) {
      const start = await startingPoint(options, fullFlopsPerSecond);
      if (start.evaluation !== null) lastEvaluation = { evaluation: start.evaluation, step: 0 };
      yield { type: 'progress', event: start };
    }
    while (step < config.steps && !control.stopped) {
      if (control.isPaused) {
        const pausedAt = now();
        yield { type: 'paused' };
        await control.waitWhilePaused();
        pausedMs += now() - pausedAt;
        if (control.stopped) break;
      }
      const t0 = now();
      trainer.alpha = control.alpha;
      const decay = cosineDecay(step, config.steps);
      trainer.setLearningRates(config.learningRate * decay, config.kappaLearningRate * decay);
      const { input, target } = await task.nextBatch();
      const before = WeightSnapshot.take(variables);
      const result = await trainer.step(input, target);
      tf.dispose([input, target]);
      step = result.step;
      if (!result.finite) skipped++;
      // The weights a good loss came from are the last good ones; a diverged run ends on them.
      if (watch.observe(result.taskLoss, result.finite)) {
        lastGood?.dispose();
        lastGood = before;
      } else {
        before.dispose();
      }
      diverged = watch.verdict(step);
      if (budgetHistory.at(-1)!.flopsPerSecond !== control.budgetFlopsPerSecond) {
        budgetHistory.push({ step, flopsPerSecond: control.budgetFlopsPerSecond });
      }
      if (control.budgetFlopsPerSecond !== null) {
        budget ??= new BudgetController(control.alpha);
        control.alpha = budget.update(result.flopsPerSecond, control.budgetFlopsPerSecond);
      } else {
        budget = null;
      }
      const evaluated = diverged === null && (step % config.evalEvery === 0 || step === config.steps);
      evaluation = evaluated ? await validate(options, task.network) : null;
      if (evaluation !== null) lastEvaluation = { evaluation, step };
      activeMs += now() - t0;
      const due = options.progressEvery ? step % options.progressEvery === 0 : now() - lastEmit >= 1000 / MAX_PROGRESS_HZ;
      if (evaluated || due) {
        lastEmit = now();
        const stepsPerSecond = (1000 * step) / Math.max(activeMs, 1);
        const memory = tf.memory();
        yield {
          type: 'progress',
          event: {
            runId,
            step,
            totalSteps: config.steps,
            loss: result.loss,
            taskLoss: result.taskLoss,
            complexityTerm: result.loss - result.taskLoss,
            complexityRatio: result.complexityRatio,
            flopsPerSecond: result.flopsPerSecond,
            fullFlopsPerSecond,
            widths: widthStates(widths, result.widths),
            evaluation,
            stepsPerSecond,
            elapsedSeconds: elapsedSeconds(),
            etaSeconds: (config.steps - step) / stepsPerSecond,
            numTensors: memory.numTensors,
            memoryBytes: memory.numBytes,
            gpuBytes: gpuBytes(memory),
            alpha: control.alpha,
            skippedSteps: skipped,
          },
        };
      }
      if (diverged !== null) {
        lastGood?.restore();
        break;
      }
      await yieldToHost();
    }
    const run: RunOutcome = { steps: step, wallSeconds: elapsedSeconds(), diverged, budgetHistory, lastEvaluation };
    yield { type: 'finished', summary: await summarize(options, run, reference, now) };
  } finally {
    lastGood?.dispose();
    reference?.dispose();
    trainer.dispose();
  }
}

/**
 * The family's full-width network, for a run whose own network is not full width (the
 * uniform baseline); null when the run's network is. Only counted and timed, never trained.
 */
function fullWidthReference(config: RunConfig): Network | null {
  return config.method === 'uniform' ? MODEL_FAMILIES[config.modelId].build({ seed: config.seed }) : null;
}

interface RunOutcome {
  steps: number;
  wallSeconds: number;
  diverged: Divergence | null;
  budgetHistory: BudgetChange[];
  /** The last completed validation pass of the training network and its step. */
  lastEvaluation: { evaluation: Evaluation; step: number } | null;
}

/** Cosine decay from 1 to 10 %: late in a run the widths settle instead of wandering with the noisy task gradient. */
export function cosineDecay(step: number, steps: number): number {
  return 0.1 + 0.45 * (1 + Math.cos((Math.PI * Math.min(step, steps)) / steps));
}

export function widthStates(widths: LearnableWidth[], units: readonly number[]): WidthState[] {
  return widths.map((w, i) => ({ name: w.name, units: units[i], full: w.full, kappaMin: w.kappaMin }));
}

async function summarize(options: SessionOptions, run: RunOutcome, reference: Network | null, now: () => number): Promise<RunSummary> {
  const { task, config, runId, backend, control } = options;
  const { steps } = run;
  const units = await readUnits(task.network.learnableWidths());
  const small = task.network.consolidate(units);
  const fullNetwork = reference ?? task.network;
  try {
    const counted = countNetwork(small);
    const full = countNetwork(fullNetwork);
    // A stopped run is kept at once: its last completed validation pass stands for the
    // consolidated model (whose inference output equals the training network's at the same
    // weights, tested to 1e-5), labelled with its step, instead of a new pass Stop would wait
    // for; its latency gets one timing round instead of five.
    const quick = control.stopped && run.lastEvaluation !== null;
    const rounds = quick ? 1 : 5;
    const latency = await latencyMs(small, task, now, rounds);
    const fullLatency = await latencyMs(fullNetwork, task, now, rounds);
    const evaluation = quick ? run.lastEvaluation!.evaluation : await task.evaluate(small, 'validation');
    // EER and AUC do not move with a logit shift (monotone): the evaluation stands as it is.
    const calibration = options.calibrate !== false ? calibrateOnValidation(evaluation, [task.network]) : undefined;
    return {
      runId,
      // The α and budget in force at the end (both can change while a run trains).
      config: { ...config, alpha: control.alpha, budgetFlopsPerSecond: control.budgetFlopsPerSecond },
      backend,
      steps,
      widths: widthStates(task.network.learnableWidths(), units),
      flopsPerSecond: counted.flopsPerSecond,
      fullFlopsPerSecond: fullNetwork.fullFlopsPerSecond(),
      parameters: counted.parameters,
      fullParameters: full.parameters,
      evaluation,
      evaluationStep: quick && run.lastEvaluation!.step !== steps ? run.lastEvaluation!.step : undefined,
      latencyMsPerSecond: latency.median,
      fullLatencyMsPerSecond: fullLatency.median,
      latencyRangeMsPerSecond: [latency.low, latency.high],
      fullLatencyRangeMsPerSecond: [fullLatency.low, fullLatency.high],
      wallSeconds: run.wallSeconds,
      finishedAt: Date.now(),
      stoppedEarly: steps < config.steps && run.diverged === null,
      diverged: run.diverged,
      budgetHistory: run.budgetHistory,
      calibrationShift: calibration,
    };
  } finally {
    small.dispose();
  }
}

export interface Latency {
  median: number;
  /** The fastest and slowest round: two models whose ranges overlap are not told apart. */
  low: number;
  high: number;
}

/**
 * Wall time of one inference call per second of input: the median over `rounds` rounds (after
 * one warm-up call) of a round's mean call time, with the fastest and slowest round. A round repeats the call until `minRoundMs`
 * have passed, so a fast model is timed well above the clock's resolution (0.1 ms or coarser
 * in a browser worker). Each call waits for its output, as streaming inference would.
 */
export async function latencyMs(network: Network, task: TrainingTask, now: () => number, rounds = 5, minRoundMs = 20): Promise<Latency> {
  const input = task.latencyInput();
  const call = async (): Promise<void> => {
    const output = network.infer(input);
    await output.data();
    output.dispose();
  };
  try {
    await call();
    const perCall: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const start = now();
      let calls = 0;
      let elapsed = 0;
      do {
        await call();
        calls++;
        elapsed = now() - start;
      } while (elapsed < minRoundMs);
      perCall.push(elapsed / calls);
    }
    const perSecond = perCall.map((ms) => ms / task.latencyInputSeconds).sort((x, y) => x - y);
    return { median: perSecond[Math.floor(perSecond.length / 2)]!, low: perSecond[0]!, high: perSecond.at(-1)! };
  } finally {
    input.dispose();
  }
}

/**
 * Step 0: the model as the run starts (from scratch or from pretrained weights), scored on the
 * validation split at its starting widths. No step has run, so there is no loss yet (NaN).
 */
async function startingPoint(options: SessionOptions, fullFlopsPerSecond: number): Promise<ProgressEvent> {
  const { task, config, control, runId } = options;
  const widths = task.network.learnableWidths();
  const units = await readUnits(widths);
  const flops = task.network.flopsPerSecond();
  const flopsPerSecond = (await flops.data())[0]!;
  flops.dispose();
  const memory = tf.memory();
  return {
    runId,
    step: 0,
    totalSteps: config.steps,
    loss: NaN,
    taskLoss: NaN,
    complexityTerm: NaN,
    complexityRatio: flopsPerSecond / fullFlopsPerSecond,
    flopsPerSecond,
    fullFlopsPerSecond,
    widths: widthStates(widths, units),
    evaluation: await validate(options, task.network),
    stepsPerSecond: 0,
    elapsedSeconds: 0,
    etaSeconds: NaN,
    numTensors: memory.numTensors,
    memoryBytes: memory.numBytes,
    gpuBytes: gpuBytes(memory),
    alpha: control.alpha,
    skippedSteps: 0,
  };
}

/** Bytes the GPU backends (webgl, webgpu) hold for tensors; null on the CPU and wasm backends. */
function gpuBytes(memory: tf.MemoryInfo): number | null {
  const value = (memory as tf.MemoryInfo & { numBytesInGPU?: unknown }).numBytesInGPU;
  return typeof value === 'number' ? value : null;
}
