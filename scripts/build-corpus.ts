/**
 * Builds public/corpus/ reproducibly: `npm run corpus`.
 *
 * Needs ffmpeg, the Debian packages asterisk-core-sounds-{en,es,fr,it,ru}-g722 and
 * asterisk-moh-opsound-wav, and npm registry access (the CC0 samples are fetched with
 * `npm pack supersonic-scsynth-samples@0.84.2` into a temporary directory; they are not a
 * project dependency). Every choice below is seeded, so the same inputs give the same files.
 * See docs/corpus.md.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_RATE } from '../src/audio/frames';
import { speechFraction, speechLabels } from '../src/audio/labels';
import { toMono16k } from '../src/audio/resample';
import { decodeWav, encodeWav } from '../src/audio/wav';
import type { Manifest, ManifestEntry, NoiseEntry, SpeechEntry, Split } from '../src/data/manifest';
import { SPLITS } from '../src/data/manifest';
import { createRng } from '../src/data/random';
import type { Rng } from '../src/data/random';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PUBLIC_DIR = join(ROOT, 'public');
const CORPUS_DIR = join(PUBLIC_DIR, 'corpus');
const SEED = 20260113;

const SAMPLES_PACKAGE = 'supersonic-scsynth-samples';
const SAMPLES_VERSION = '0.84.2';
const SOUNDS_DIR = '/usr/share/asterisk/sounds';
const MOH_DIR = '/usr/share/asterisk/moh';
const MOH_PACKAGE = 'asterisk-moh-opsound-wav';

/** Seconds of speech kept per speaker: enough variety, while the whole corpus stays ≤ ~25 MB of 16-bit WAV. */
const TRAIN_SPEAKER_SECONDS = 145;
/** Of which this many go to validation (held-out utterances of the training speakers). */
const VALIDATION_SECONDS = 30;
const TEST_SPEAKER_SECONDS = 110;
const MIN_UTTERANCE_SECONDS = 1;
/** Noise files are cut to at most this long; scenes loop them. */
const MAX_NOISE_SECONDS = 8;
const GENERATED_NOISE_SECONDS = 6;
/** Peak level after normalisation: uses the 16-bit range well, leaves headroom. */
const PEAK = 0.9;

interface SpeakerSource {
  speaker: string;
  /** Debian package and prompt directory per language. */
  parts: { language: string; dir: string; deb: string }[];
  licence: string;
  author: string;
  split: 'train' | 'test';
}

/**
 * it_IT_m_Carlo (the only male voice) stays in training so the model has heard a low-pitched
 * voice before it meets the user's microphone; the Russian speaker is the unseen test voice
 * (unseen speaker and language family). Licences as stated in the packages' copyright file.
 */
const SPEAKERS: SpeakerSource[] = [
  {
    speaker: 'allison',
    parts: [
      { language: 'en-US', dir: 'en_US_f_Allison', deb: 'asterisk-core-sounds-en-g722' },
      { language: 'es-MX', dir: 'es_MX_f_Allison', deb: 'asterisk-core-sounds-es-g722' },
    ],
    licence: 'CC-BY-SA-3.0',
    author: 'Allison Smith (theivrvoice.com), Digium, Inc.',
    split: 'train',
  },
  {
    speaker: 'june',
    parts: [{ language: 'fr-CA', dir: 'fr_CA_f_June', deb: 'asterisk-core-sounds-fr-g722' }],
    licence: 'CC-BY-SA-3.0',
    author: 'June Wallack (junewallack.com)',
    split: 'train',
  },
  {
    speaker: 'carlo',
    parts: [{ language: 'it-IT', dir: 'it_IT_m_Carlo', deb: 'asterisk-core-sounds-it-g722' }],
    licence: 'CC-BY-3.0',
    author: 'Carlo Flora (carloflora.com)',
    split: 'train',
  },
  {
    speaker: 'ivrvoice-ru',
    parts: [{ language: 'ru-RU', dir: 'ru_RU_f_IvrvoiceRU', deb: 'asterisk-core-sounds-ru-g722' }],
    licence: 'CC-BY-3.0',
    author: 'Maxim Topal (ivrvoice.ru)',
    split: 'test',
  },
];

interface NoiseSource {
  id: string;
  category: string;
  split: Split;
  origin: 'samples' | 'moh' | 'generated';
  /** File in its package, or generator name. */
  file: string;
  /** Start of the kept excerpt (s): skips the intro of music tracks. */
  offsetSec?: number;
}

/**
 * Test and validation hold noise files never used in training; whole categories go to test
 * where possible (all vinyl), and every split gets music, ambience, a loop and a synthetic noise.
 */
const NOISES: NoiseSource[] = [
  // test
  { id: 'vinyl_hiss', category: 'vinyl', split: 'test', origin: 'samples', file: 'samples/vinyl_hiss.flac' },
  { id: 'vinyl_rewind', category: 'vinyl', split: 'test', origin: 'samples', file: 'samples/vinyl_rewind.flac' },
  { id: 'ambi_haunted_hum', category: 'ambience', split: 'test', origin: 'samples', file: 'samples/ambi_haunted_hum.flac' },
  { id: 'ambi_lunar_land', category: 'ambience', split: 'test', origin: 'samples', file: 'samples/ambi_lunar_land.flac' },
  { id: 'loop_tabla', category: 'loop', split: 'test', origin: 'samples', file: 'samples/loop_tabla.flac' },
  { id: 'moh_reno_project-system', category: 'music', split: 'test', origin: 'moh', file: 'reno_project-system.wav', offsetSec: 60 },
  { id: 'pink', category: 'synthetic', split: 'test', origin: 'generated', file: 'pink' },
  { id: 'hum60', category: 'synthetic', split: 'test', origin: 'generated', file: 'hum60' },
  // validation
  { id: 'ambi_sauna', category: 'ambience', split: 'validation', origin: 'samples', file: 'samples/ambi_sauna.flac' },
  { id: 'loop_safari', category: 'loop', split: 'validation', origin: 'samples', file: 'samples/loop_safari.flac' },
  { id: 'guit_em9', category: 'instrument', split: 'validation', origin: 'samples', file: 'samples/guit_em9.flac' },
  { id: 'moh_manolo_camp-morning_coffee', category: 'music', split: 'validation', origin: 'moh', file: 'manolo_camp-morning_coffee.wav', offsetSec: 20 },
  { id: 'brown', category: 'synthetic', split: 'validation', origin: 'generated', file: 'brown' },
  // train
  { id: 'ambi_choir', category: 'choir', split: 'train', origin: 'samples', file: 'samples/ambi_choir.flac' },
  { id: 'ambi_dark_woosh', category: 'ambience', split: 'train', origin: 'samples', file: 'samples/ambi_dark_woosh.flac' },
  { id: 'ambi_drone', category: 'ambience', split: 'train', origin: 'samples', file: 'samples/ambi_drone.flac' },
  { id: 'ambi_glass_hum', category: 'ambience', split: 'train', origin: 'samples', file: 'samples/ambi_glass_hum.flac' },
  { id: 'ambi_glass_rub', category: 'ambience', split: 'train', origin: 'samples', file: 'samples/ambi_glass_rub.flac' },
  { id: 'ambi_piano', category: 'ambience', split: 'train', origin: 'samples', file: 'samples/ambi_piano.flac' },
  { id: 'loop_amen_full', category: 'loop', split: 'train', origin: 'samples', file: 'samples/loop_amen_full.flac' },
  { id: 'loop_compus', category: 'loop', split: 'train', origin: 'samples', file: 'samples/loop_compus.flac' },
  { id: 'loop_garzul', category: 'loop', split: 'train', origin: 'samples', file: 'samples/loop_garzul.flac' },
  { id: 'loop_mika', category: 'loop', split: 'train', origin: 'samples', file: 'samples/loop_mika.flac' },
  { id: 'loop_3d_printer', category: 'loop', split: 'train', origin: 'samples', file: 'samples/loop_3d_printer.flac' },
  { id: 'drum_roll', category: 'drums', split: 'train', origin: 'samples', file: 'samples/drum_roll.flac' },
  { id: 'arovane_beat_a', category: 'electronic', split: 'train', origin: 'samples', file: 'samples/arovane_beat_a.flac' },
  { id: 'tbd_fxbed_loop', category: 'electronic', split: 'train', origin: 'samples', file: 'samples/tbd_fxbed_loop.flac' },
  { id: 'tbd_pad_2', category: 'electronic', split: 'train', origin: 'samples', file: 'samples/tbd_pad_2.flac' },
  { id: 'moh_macroform-cold_day', category: 'music', split: 'train', origin: 'moh', file: 'macroform-cold_day.wav', offsetSec: 30 },
  { id: 'moh_macroform-robot_dity', category: 'music', split: 'train', origin: 'moh', file: 'macroform-robot_dity.wav', offsetSec: 30 },
  { id: 'moh_macroform-the_simplicity', category: 'music', split: 'train', origin: 'moh', file: 'macroform-the_simplicity.wav', offsetSec: 30 },
  { id: 'white', category: 'synthetic', split: 'train', origin: 'generated', file: 'white' },
  { id: 'hum50', category: 'synthetic', split: 'train', origin: 'generated', file: 'hum50' },
];

const MOH_AUTHORS: Record<string, string> = {
  'macroform-cold_day.wav': 'Paul Shuler (Macroform)',
  'macroform-robot_dity.wav': 'Paul Shuler (Macroform)',
  'macroform-the_simplicity.wav': 'Paul Shuler (Macroform)',
  'manolo_camp-morning_coffee.wav': 'Manolo Camp',
  'reno_project-system.wav': 'Reno Project',
};

function debVersion(pkg: string): string {
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();
}

/** Decodes any file ffmpeg reads into a temporary float WAV, then with our own reader. */
function decodeWithFfmpeg(file: string, scratch: string, inputFormat?: string): { sampleRate: number; channels: Float32Array[] } {
  const out = join(scratch, 'decoded.wav');
  const args = ['-v', 'error', '-y', ...(inputFormat ? ['-f', inputFormat] : []), '-i', file, '-c:a', 'pcm_f32le', out];
  execFileSync('ffmpeg', args);
  return decodeWav(readFileSync(out), file);
}

function normalisePeak(audio: Float32Array): Float32Array {
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  if (peak === 0) return audio;
  const gain = PEAK / peak;
  return audio.map((x) => x * gain);
}

function listPrompts(dir: string): string[] {
  const files: string[] = [];
  const walk = (sub: string): void => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, rel)).isDirectory()) {
        // silence/ holds silence files, not speech.
        if (name !== 'silence') walk(rel);
      } else if (name.endsWith('.g722') && !/beep|tone/.test(name)) {
        files.push(rel);
      }
    }
  };
  walk('');
  return files;
}

function writeAudio(path: string, audio: Float32Array): void {
  const full = join(PUBLIC_DIR, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, encodeWav(audio, SAMPLE_RATE));
}

function buildSpeech(scratch: string, rng: Rng): SpeechEntry[] {
  const entries: SpeechEntry[] = [];
  for (const source of SPEAKERS) {
    const budget = source.split === 'test' ? TEST_SPEAKER_SECONDS : TRAIN_SPEAKER_SECONDS;
    // Alternate languages (Allison) so both are represented equally.
    const queues = source.parts.map((part) =>
      rng.shuffle(listPrompts(join(SOUNDS_DIR, part.dir))).map((file) => ({ part, file })),
    );
    let seconds = 0;
    let turn = 0;
    while (seconds < budget && queues.some((queue) => queue.length > 0)) {
      const queue = queues[turn++ % queues.length];
      const next = queue.shift();
      if (!next) continue;
      const { part, file } = next;
      const audio = toMono16k(decodeWithFfmpeg(join(SOUNDS_DIR, part.dir, file), scratch, 'g722'));
      const duration = audio.length / SAMPLE_RATE;
      // Skip short prompts and the few that are mostly not speech.
      if (duration < MIN_UTTERANCE_SECONDS || speechFraction(speechLabels(audio)) < 0.5) continue;
      const split: Split = source.split === 'test' ? 'test' : seconds < VALIDATION_SECONDS ? 'validation' : 'train';
      const stem = `${part.language}_${file.replace(/\.g722$/, '').replace(/\//g, '-')}`;
      const path = `corpus/speech/${source.speaker}/${stem}.wav`;
      const stored = normalisePeak(audio);
      writeAudio(path, stored);
      entries.push({
        kind: 'speech',
        id: `${source.speaker}_${stem}`,
        path,
        split,
        speaker: source.speaker,
        language: part.language,
        source: { package: part.deb, version: debVersion(part.deb), file: `${part.dir}/${file}` },
        licence: source.licence,
        author: source.author,
        sampleRate: SAMPLE_RATE,
        samples: stored.length,
        durationSec: stored.length / SAMPLE_RATE,
      });
      seconds += duration;
    }
  }
  return entries;
}

/** Deterministic synthetic noises: white, pink, brown, and mains hum with harmonics. */
function generateNoise(kind: string, rng: Rng): Float32Array {
  const n = GENERATED_NOISE_SECONDS * SAMPLE_RATE;
  const out = new Float32Array(n);
  if (kind === 'white') {
    for (let i = 0; i < n; i++) out[i] = rng.normal();
  } else if (kind === 'pink') {
    // Paul Kellet's refined pink filter (−3 dB/octave within ±0.05 dB above 9 Hz).
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (let i = 0; i < n; i++) {
      const w = rng.normal();
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.969 * b2 + w * 0.153852;
      b3 = 0.8665 * b3 + w * 0.3104856;
      b4 = 0.55 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.016898;
      out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
      b6 = w * 0.115926;
    }
  } else if (kind === 'brown') {
    // Leaky integrator: −6 dB/octave above ~10 Hz, without the random walk drifting off.
    let y = 0;
    for (let i = 0; i < n; i++) {
      y = 0.996 * y + 0.06 * rng.normal();
      out[i] = y;
    }
  } else if (kind === 'hum50' || kind === 'hum60') {
    const f0 = kind === 'hum50' ? 50 : 60;
    // Rectifier/transformer buzz: fundamental plus decaying harmonics, odd ones stronger.
    const harmonics = Array.from({ length: 12 }, (_, k) => ({
      frequency: f0 * (k + 1),
      amplitude: ((k + 1) % 2 === 1 ? 1 : 0.5) / (k + 1),
      phase: rng.uniform(0, 2 * Math.PI),
    }));
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE;
      let sum = 0;
      for (const h of harmonics) sum += h.amplitude * Math.sin(2 * Math.PI * h.frequency * t + h.phase);
      out[i] = sum + 0.003 * rng.normal();
    }
  } else {
    throw new Error(`unknown generated noise ${kind}`);
  }
  return out;
}

function buildNoise(scratch: string, samplesDir: string, rng: Rng): NoiseEntry[] {
  const mohVersion = debVersion(MOH_PACKAGE);
  return NOISES.map((noise) => {
    let audio: Float32Array;
    let source: NoiseEntry['source'];
    let licence: string;
    let author: string;
    if (noise.origin === 'generated') {
      audio = generateNoise(noise.file, rng.fork());
      source = { package: 'generated', version: `scripts/build-corpus.ts seed ${SEED}`, file: noise.file };
      licence = 'CC0-1.0';
      author = 'generated by this project';
    } else if (noise.origin === 'moh') {
      const file = join(MOH_DIR, noise.file);
      audio = toMono16k(decodeWav(readFileSync(file), file));
      source = { package: MOH_PACKAGE, version: mohVersion, file: noise.file };
      licence = 'CC-BY-SA-3.0';
      author = MOH_AUTHORS[noise.file];
    } else {
      audio = toMono16k(decodeWithFfmpeg(join(samplesDir, noise.file), scratch));
      source = { package: SAMPLES_PACKAGE, version: SAMPLES_VERSION, file: noise.file };
      licence = 'CC0-1.0';
      author = noise.file.includes('arovane') ? 'Uwe Zahn (Arovane)' : 'freesound.org contributors via Sonic Pi';
    }
    const start = Math.round((noise.offsetSec ?? 0) * SAMPLE_RATE);
    const excerpt = normalisePeak(audio.slice(start, start + MAX_NOISE_SECONDS * SAMPLE_RATE));
    const path = `corpus/noise/${noise.id}.wav`;
    writeAudio(path, excerpt);
    return {
      kind: 'noise',
      id: noise.id,
      path,
      split: noise.split,
      category: noise.category,
      source,
      licence,
      author,
      sampleRate: SAMPLE_RATE,
      samples: excerpt.length,
      durationSec: excerpt.length / SAMPLE_RATE,
    };
  });
}

function fetchSamples(scratch: string): string {
  const spec = `${SAMPLES_PACKAGE}@${SAMPLES_VERSION}`;
  const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', scratch], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  if (!tarball) throw new Error(`npm pack ${spec} produced no tarball`);
  const path = join(scratch, tarball);
  console.log(`${spec}: sha256 ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
  execFileSync('tar', ['-xzf', path, '-C', scratch]);
  return join(scratch, 'package');
}

function attribution(entries: ManifestEntry[]): string {
  const lines = [
    '# Corpus attribution',
    '',
    'Audio in this directory was converted to 16 kHz mono 16-bit WAV, cut, and peak-normalised by',
    '`scripts/build-corpus.ts` (see docs/corpus.md). Those changes are the only modifications.',
    '',
    '## Speech (Asterisk core sound prompts, G.722 release, Debian packages asterisk-core-sounds-*-g722)',
    '',
    '- Allison Smith (en-US, es-MX), © 2003–2010 Allison Smith / Digium, Inc. — CC BY-SA 3.0',
    '- June Wallack (fr-CA), © 2006–2008 June Wallack; French translation by Clod Patry, Kristopher Lalletti, June Wallack — CC BY-SA 3.0',
    '- Carlo Flora (it-IT), © 2012 Carlo Flora (segreterietelefoniche.it); translation by Silvia Petrin — CC BY 3.0',
    '- Maxim Topal, ivrvoice.ru (ru-RU), © 2010 — CC BY 3.0',
    '',
    'Source: http://downloads.asterisk.org/pub/telephony/sounds/ . Licences: https://creativecommons.org/licenses/by-sa/3.0/ ,',
    'https://creativecommons.org/licenses/by/3.0/ . The speech files here are shared under the same licences.',
    '',
    '## Music on hold (Debian package asterisk-moh-opsound-wav) — CC BY-SA 3.0',
    '',
    '- macroform-cold_day, macroform-robot_dity, macroform-the_simplicity — © 2009 Paul Shuler (Macroform), http://macroform.bandcamp.com/',
    '- manolo_camp-morning_coffee — © 2009 Manolo Camp, http://ccmixter.org/people/ManoloCamp',
    '- reno_project-system — © 2008 Reno Project, http://www.jamendo.com/en/album/23661',
    '',
    `## Sound samples (npm ${SAMPLES_PACKAGE}@${SAMPLES_VERSION}, Sonic Pi samples) — CC0 1.0`,
    '',
    'Public domain dedication (https://creativecommons.org/publicdomain/zero/1.0/). Samples prefixed',
    '`arovane_` were donated by Uwe Zahn (Arovane); the others come from freesound.org (links in the',
    "package's PROVENANCE.md).",
    '',
    '## Generated noise — CC0 1.0',
    '',
    `white, pink, brown, hum50, hum60: synthesised by scripts/build-corpus.ts (seed ${SEED}).`,
    '',
    '## Files',
    '',
    '| file | licence | author | source |',
    '| --- | --- | --- | --- |',
    ...entries.map(
      (e) => `| ${e.path.replace(/^corpus\//, '')} | ${e.licence} | ${e.author} | ${e.source.package} ${e.source.version}: ${e.source.file} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'corpus-'));
  try {
    const samplesDir = fetchSamples(scratch);
    if (existsSync(CORPUS_DIR)) rmSync(CORPUS_DIR, { recursive: true });
    mkdirSync(CORPUS_DIR, { recursive: true });
    const rng = createRng(SEED);
    const speech = buildSpeech(scratch, rng.fork());
    const noise = buildNoise(scratch, samplesDir, rng.fork());
    const order = (e: ManifestEntry): string => `${SPLITS.indexOf(e.split)}|${e.kind}|${e.id}`;
    const files = [...speech, ...noise].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const manifest: Manifest = { version: 1, sampleRate: SAMPLE_RATE, format: 'wav-pcm16-mono', files };
    writeFileSync(join(CORPUS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    writeFileSync(join(CORPUS_DIR, 'ATTRIBUTION.md'), attribution(files));
    report(files);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function report(files: ManifestEntry[]): void {
  const bytes = files.reduce((sum, e) => sum + statSync(join(PUBLIC_DIR, e.path)).size, 0);
  for (const split of SPLITS) {
    const speakers = new Map<string, number>();
    let noiseCount = 0;
    let noiseSeconds = 0;
    for (const e of files.filter((f) => f.split === split)) {
      if (e.kind === 'speech') speakers.set(e.speaker, (speakers.get(e.speaker) ?? 0) + e.durationSec);
      else {
        noiseCount++;
        noiseSeconds += e.durationSec;
      }
    }
    const speech = [...speakers].map(([s, sec]) => `${s} ${(sec / 60).toFixed(2)} min`).join(', ');
    console.log(`${split}: speech ${speech}; noise ${noiseCount} files, ${noiseSeconds.toFixed(1)} s`);
  }
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${relative(ROOT, CORPUS_DIR)}/`);
}

main();
