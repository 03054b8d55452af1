/**
 * Voice activity detection on WAV, FLAC or Ogg Opus files with an exported model, a bundled one, or Silero:
 *   npm run vad -- --model <exported folder | model zip | crnn-full | transformer-full | crnn-small | transformer-small> file.wav|.flac|.opus …
 *   npm run vad -- --peer silero file.wav …
 * Options: --frames out.json (per-frame probabilities with frame times, and the segments),
 *          --threshold 0.5  --min-speech 0.1  --hangover 0.2 (seconds).
 * Prints each file's speech segments (start and end in seconds). A file that cannot be read
 * gets an error naming it; the other files are still processed and the exit code is 1.
 */
import * as tf from '@tensorflow/tfjs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { decodeAudioTo16k } from '../src/audio/decodeFile';
import { diskLoader } from '../src/data/nodeCorpus';
import {
  BUNDLED_MODELS,
  createSileroVad,
  createStreamingVad,
  framesReport,
  fromFiles,
  fromZip,
  isBundledModelName,
  loadBundledModel,
  loadModel,
  SEGMENT_DEFAULTS,
  type FramesReport,
  type SegmentOptions,
  type StreamingVad,
} from '../src/runtime';

const USAGE = `usage: npm run vad -- (--model <exported folder | model.zip | ${BUNDLED_MODELS.join(' | ')}> | --peer silero)
                     [--frames out.json] [--threshold ${SEGMENT_DEFAULTS.threshold}] [--min-speech ${SEGMENT_DEFAULTS.minSpeech}] [--hangover ${SEGMENT_DEFAULTS.hangover}] file.wav|.flac|.opus …`;

const SILERO_ONNX = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

interface Options {
  model: string | null;
  peer: string | null;
  frames: string | null;
  segments: SegmentOptions;
  files: string[];
}

class UsageError extends Error {}

function parseArguments(args: string[]): Options {
  const options: Options = { model: null, peer: null, frames: null, segments: {}, files: [] };
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a number ≥ 0, got ${value ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--model':
        options.model = value();
        break;
      case '--peer':
        options.peer = value();
        break;
      case '--frames':
        options.frames = value();
        break;
      case '--threshold':
        options.segments.threshold = number(arg, args[++i]);
        break;
      case '--min-speech':
        options.segments.minSpeech = number(arg, args[++i]);
        break;
      case '--hangover':
        options.segments.hangover = number(arg, args[++i]);
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        options.files.push(arg);
    }
  }
  if (options.peer !== null && options.peer !== 'silero') throw new UsageError(`--peer ${options.peer}: the only peer is silero`);
  if ((options.model === null) === (options.peer === null)) throw new UsageError('give either --model or --peer silero');
  if (options.files.length === 0) throw new UsageError('no audio files given');
  const threshold = options.segments.threshold;
  if (threshold !== undefined && threshold > 1) throw new UsageError(`--threshold ${threshold}: a probability is at most 1`);
  return options;
}

/** A lane that makes a fresh stream per file. */
interface Lane {
  name: string;
  stream(): StreamingVad;
}

async function modelLane(spec: string): Promise<Lane> {
  // The network is rebuilt with tfjs layers; inference itself runs in the plain-TypeScript kernels.
  await tf.setBackend('cpu');
  if (isBundledModelName(spec)) {
    const model = await loadBundledModel(spec, diskLoader());
    return { name: spec, stream: () => createStreamingVad(model) };
  }
  const path = resolve(spec);
  const info = await stat(path).catch(() => null);
  if (!info) throw new UsageError(`--model ${spec}: no such folder or zip, and not a bundled model (${BUNDLED_MODELS.join(', ')})`);
  let exported;
  if (info.isDirectory()) {
    const names = await readdir(path);
    exported = fromFiles(await Promise.all(names.filter((n) => n.endsWith('.json') || n.endsWith('.bin')).map(async (name) => ({ name, data: new Uint8Array(await readFile(join(path, name))) }))), spec);
  } else if (spec.endsWith('.zip')) {
    exported = fromZip(new Uint8Array(await readFile(path)), spec);
  } else if (basename(path) === 'model.json') {
    return modelLane(resolve(path, '..'));
  } else {
    throw new UsageError(`--model ${spec}: give the exported folder (with model.json, weights.bin, …) or its zip`);
  }
  const model = await loadModel(exported);
  return { name: model.name, stream: () => createStreamingVad(model) };
}

async function sileroLane(): Promise<Lane> {
  const bytes = new Uint8Array(await readFile(SILERO_ONNX).catch(() => {
    throw new Error(`Silero's model ${SILERO_ONNX} is missing (npm ci installs it with @ricky0123/vad-web)`);
  }));
  const silero = await createSileroVad(bytes, { name: 'silero v5' });
  // Files run one after another: reset() starts each file's stream from a fresh state.
  return {
    name: silero.name,
    stream: () => {
      silero.reset();
      return silero;
    },
  };
}

async function detect(lane: Lane, file: string, segments: SegmentOptions): Promise<{ report: FramesReport; note: string }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new Error(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const audio = await decodeAudioTo16k(bytes, file);
  const vad = lane.stream();
  const probabilities = [...(await vad.push(audio.samples)), ...(await vad.flush())];
  const note = `${audio.seconds.toFixed(2)} s, ${audio.sourceRate} Hz, ${audio.sourceChannels} ch`;
  return { report: framesReport(file, lane.name, probabilities, vad.frameSeconds, segments), note };
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let lane: Lane;
  try {
    lane = options.peer ? await sileroLane() : await modelLane(options.model!);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  const reports: FramesReport[] = [];
  let failed = 0;
  for (const file of options.files) {
    try {
      const { report, note } = await detect(lane, file, options.segments);
      reports.push(report);
      console.log(`${file} (${note}), ${lane.name}: ${report.segments.length} speech segment${report.segments.length === 1 ? '' : 's'}`);
      for (const s of report.segments) console.log(`  ${s.start.toFixed(2)}\t${s.end.toFixed(2)}`);
    } catch (error) {
      failed++;
      console.error(`error: ${(error as Error).message}`);
    }
  }
  if (options.frames) {
    await writeFile(options.frames, JSON.stringify({ model: lane.name, files: reports }));
    console.log(`per-frame probabilities of ${reports.length} file${reports.length === 1 ? '' : 's'} written to ${options.frames}`);
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
