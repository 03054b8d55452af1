/**
 * The audio files this app decodes itself, in Node (the command line) and in the listen worker
 * alike: WAV, FLAC and Ogg Opus, recognised by their first bytes, each decoded at its own rate
 * and then brought to 16 kHz mono by the Speex resampler (resample.ts). Other formats (MP3, AAC,
 * Ogg Vorbis) are left to the browser's decoders (app/listen).
 */
import { decodeFlac } from './flac';
import { decodeOggOpus } from './opus';
import { toMono16k } from './resample';
import { audioFileFormat } from './fileFormat';
import { decodeWav, type DecodedAudio } from './wav';

/** Decode a WAV, FLAC or Ogg Opus file at its own rate and channels; errors name the file. */
export async function decodeAudioFile(data: ArrayBuffer | Uint8Array, name: string): Promise<DecodedAudio> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  switch (audioFileFormat(bytes)) {
    case 'flac':
      return decodeFlac(bytes, name);
    case 'ogg-opus':
      return decodeOggOpus(bytes, name);
    default:
      // The WAV reader's errors say what else a file looks like (MP3, AIFF, a RIFF of another type, …).
      return decodeWav(bytes, name);
  }
}

/** A file's audio as the models read it: mono, 16 kHz, and what it was before. */
export interface Audio16k {
  samples: Float32Array;
  sourceRate: number;
  sourceChannels: number;
  seconds: number;
}

/** Decode a WAV, FLAC or Ogg Opus file to 16 kHz mono (channels averaged, then resampled). Errors name the file. */
export async function decodeAudioTo16k(data: ArrayBuffer | Uint8Array, name: string): Promise<Audio16k> {
  const audio = await decodeAudioFile(data, name);
  const samples = await toMono16k(audio);
  return { samples, sourceRate: audio.sampleRate, sourceChannels: audio.channels.length, seconds: audio.channels[0].length / audio.sampleRate };
}
