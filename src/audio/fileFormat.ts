/**
 * Which audio files the app decodes itself (decodeFile.ts), told from their first bytes: a
 * module of its own, so the page can ask without loading the decoders.
 */
export type AudioFileFormat = 'wav' | 'flac' | 'ogg-opus';

/** The format of a file from its first bytes, or null when it is none of ours. */
export function audioFileFormat(data: ArrayBuffer | Uint8Array): AudioFileFormat | null {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const text = (from: number, length: number) => String.fromCharCode(...bytes.subarray(from, from + length));
  if (bytes.length >= 12 && text(0, 4) === 'RIFF' && text(8, 4) === 'WAVE') return 'wav';
  if (bytes.length >= 4 && text(0, 4) === 'fLaC') return 'flac';
  // An Ogg page: 27 header bytes and a segment table, then the first packet, which for Opus is its 'OpusHead'.
  if (bytes.length >= 27 && text(0, 4) === 'OggS' && text(27 + bytes[26], 8) === 'OpusHead') return 'ogg-opus';
  return null;
}
