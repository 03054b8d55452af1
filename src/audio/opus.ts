/**
 * Ogg Opus decoding for users' files, in Node and in the listen worker alike (ogg-opus-decoder:
 * libopus compiled to WebAssembly, inlined in the module, so nothing is fetched at run time).
 * Opus always decodes at 48 kHz; the decoder drops the encoder's pre-skip.
 */
import { OggOpusDecoder } from 'ogg-opus-decoder';
import type { DecodedAudio } from './wav';

/** Decodes a whole Ogg Opus file; throws naming `name` when it holds no audio or decodes with errors. */
export async function decodeOggOpus(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  try {
    const result = await decoder.decodeFile(bytes);
    if (result.errors.length > 0) throw new Error(`${name}: Opus decoding failed (${result.errors[0].message})`);
    if (result.samplesDecoded === 0 || result.channelData.length === 0) throw new Error(`${name}: Ogg Opus file holds no audio`);
    return { sampleRate: result.sampleRate, channels: result.channelData.map((c) => c.slice(0, result.samplesDecoded)) };
  } finally {
    decoder.free();
  }
}
