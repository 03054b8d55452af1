/**
 * WAV (RIFF/WAVE) reader and writer without dependencies, so the same code decodes the
 * corpus in Node and in a browser worker (where decodeAudioData is not available).
 */

export interface DecodedAudio {
  sampleRate: number;
  /** One Float32Array per channel, samples in [-1, 1]. */
  channels: Float32Array[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2…15 of every KSDATAFORMAT_SUBTYPE GUID (…-0000-0010-8000-00aa00389b71). */
const KSDATAFORMAT_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Sample rates outside this range are a corrupt header rather than audio. */
const MIN_SAMPLE_RATE = 1000;
const MAX_SAMPLE_RATE = 768_000;

/** What a non-WAV file probably is, from its first bytes (for the error message), or null. */
function sniffFormat(view: DataView): string | null {
  const n = view.byteLength;
  const at = (i: number) => (i < n ? view.getUint8(i) : -1);
  const text = (i: number, s: string) => [...s].every((c, j) => at(i + j) === c.charCodeAt(0));
  if (text(0, 'ID3') || (at(0) === 0xff && (at(1) & 0xe0) === 0xe0 && (at(1) & 0x06) !== 0)) return 'an MP3 file';
  if (text(0, 'OggS')) return 'an Ogg file (Vorbis/Opus)';
  if (text(0, 'fLaC')) return 'a FLAC file';
  if (text(4, 'ftyp')) return 'an MP4/M4A file';
  if (text(0, 'RF64') || text(0, 'BW64')) return 'an RF64 (64-bit WAV) file, which this reader does not support';
  if (text(0, 'RIFX')) return 'a big-endian RIFX file, which this reader does not support';
  if (text(0, 'RIFF')) return `a RIFF file of type "${n >= 12 ? fourCC(view, 8) : '?'}", not WAVE`;
  if (text(0, 'FORM')) return 'an AIFF file';
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) return 'a WebM/Matroska file';
  return null;
}

function fourCC(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

function toView(bytes: ArrayBuffer | Uint8Array): DataView {
  return bytes instanceof Uint8Array
    ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new DataView(bytes);
}

interface WavFormat {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

function readFormat(view: DataView, offset: number, size: number, name: string): WavFormat {
  if (size < 16) throw new Error(`${name}: WAV fmt chunk too short (${size} bytes)`);
  let formatTag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw new Error(`${name}: WAV extensible fmt chunk too short (${size} bytes)`);
    // The real format tag is the first two bytes of the SubFormat GUID; the rest is fixed.
    formatTag = view.getUint16(offset + 24, true);
    for (let i = 2; i < 16; i++) {
      if (view.getUint8(offset + 24 + i) !== KSDATAFORMAT_TAIL[i - 2]) throw new Error(`${name}: WAV extensible fmt chunk has an unknown SubFormat GUID`);
    }
  }
  return { formatTag, channels, sampleRate, bitsPerSample, blockAlign };
}

type SampleReader = (view: DataView, offset: number) => number;

function sampleReader(format: WavFormat, name: string): SampleReader {
  const { formatTag, bitsPerSample } = format;
  if (formatTag === WAVE_FORMAT_PCM) {
    switch (bitsPerSample) {
      case 8:
        return (v, o) => (v.getUint8(o) - 128) / 128;
      case 16:
        return (v, o) => v.getInt16(o, true) / 32768;
      case 24:
        return (v, o) => {
          const value = v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16);
          return value / 8388608;
        };
      case 32:
        return (v, o) => v.getInt32(o, true) / 2147483648;
    }
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bitsPerSample === 32) return (v, o) => v.getFloat32(o, true);
    if (bitsPerSample === 64) return (v, o) => v.getFloat64(o, true);
  }
  throw new Error(
    `${name}: unsupported WAV sample format (format tag ${formatTag}, ${bitsPerSample} bits); ` +
      'supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit',
  );
}

/**
 * Decodes a WAV file. Throws an Error naming `name` when the file is not a RIFF/WAVE file,
 * is truncated, or uses a format this reader does not support.
 */
export function decodeWav(bytes: ArrayBuffer | Uint8Array, name: string): DecodedAudio {
  const view = toView(bytes);
  if (view.byteLength === 0) throw new Error(`${name}: the file is empty (0 bytes)`);
  if (view.byteLength < 12 || fourCC(view, 0) !== 'RIFF' || fourCC(view, 8) !== 'WAVE') {
    const other = sniffFormat(view);
    if (other) throw new Error(`${name}: not a WAV file, it looks like ${other}`);
    throw new Error(`${name}: not a WAV file (missing RIFF/WAVE header)`);
  }
  let format: WavFormat | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let offset = 12;
  while (offset + 8 <= view.byteLength) {
    const id = fourCC(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + size > view.byteLength) throw new Error(`${name}: WAV fmt chunk is truncated`);
      format = readFormat(view, body, size, name);
    } else if (id === 'data' && dataOffset < 0) {
      dataOffset = body;
      dataSize = size;
    }
    // Chunks are padded to an even size.
    offset = body + size + (size & 1);
  }
  if (!format) throw new Error(`${name}: WAV file has no fmt chunk${dataOffset < 0 ? ' (the file may be truncated)' : ''}`);
  if (dataOffset < 0) throw new Error(`${name}: WAV file has no data chunk (the file may be truncated)`);
  if (format.channels === 0) throw new Error(`${name}: WAV file declares zero channels`);
  if (format.sampleRate === 0) throw new Error(`${name}: WAV file declares a zero sample rate`);
  if (format.sampleRate < MIN_SAMPLE_RATE || format.sampleRate > MAX_SAMPLE_RATE) {
    throw new Error(`${name}: WAV sample rate ${format.sampleRate} Hz is outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz (corrupt header?)`);
  }
  const read = sampleReader(format, name);
  const bytesPerSample = format.bitsPerSample / 8;
  if (format.blockAlign !== bytesPerSample * format.channels) {
    throw new Error(
      `${name}: inconsistent WAV block align ${format.blockAlign} for ${format.channels} channels of ${format.bitsPerSample} bits`,
    );
  }
  const available = view.byteLength - dataOffset;
  // Streaming writers (ffmpeg to a pipe) leave the size at 0xFFFFFFFF: the data runs to the end.
  if (dataSize === 0xffffffff) dataSize = available - (available % format.blockAlign);
  if (dataSize > available) {
    throw new Error(`${name}: WAV data is truncated (header says ${dataSize} bytes, file has ${available})`);
  }
  if (dataSize % format.blockAlign !== 0) {
    throw new Error(`${name}: WAV data size ${dataSize} is not a whole number of ${format.blockAlign}-byte frames`);
  }
  const frames = dataSize / format.blockAlign;
  if (frames === 0) throw new Error(`${name}: WAV file holds no audio (its data chunk is empty)`);
  const channels: Float32Array[] = [];
  for (let c = 0; c < format.channels; c++) {
    const channel = new Float32Array(frames);
    let position = dataOffset + c * bytesPerSample;
    for (let i = 0; i < frames; i++, position += format.blockAlign) channel[i] = read(view, position);
    if (format.formatTag === WAVE_FORMAT_IEEE_FLOAT) {
      const bad = channel.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`${name}: WAV float sample ${bad} of channel ${c + 1} is ${channel[bad]} (corrupt data)`);
    }
    channels.push(channel);
  }
  return { sampleRate: format.sampleRate, channels };
}

/** Encodes mono samples in [-1, 1] as a 16-bit PCM WAV file (values outside are clipped). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataSize = samples.length * 2;
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const writeId = (offset: number, id: string): void => {
    for (let i = 0; i < 4; i++) view.setUint8(offset + i, id.charCodeAt(i));
  };
  writeId(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  writeId(8, 'WAVE');
  writeId(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeId(36, 'data');
  view.setUint32(40, dataSize, true);
  for (let i = 0; i < samples.length; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i]));
    // Symmetric scaling by 32767 keeps +1 and −1 representable; 16-bit decode divides by 32768.
    view.setInt16(44 + 2 * i, Math.round(clipped * 32767), true);
  }
  return bytes;
}
