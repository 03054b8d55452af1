/** The parts of the Speex resampler's Emscripten module the resampler bench calls (pointers are byte offsets into HEAP*). */
declare module '@echogarden/speex-resampler-wasm' {
  export interface SpeexModule {
    HEAPF32: Float32Array;
    HEAPU32: Uint32Array;
    HEAP32: Int32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
    _speex_resampler_process_float(state: number, channel: number, input: number, inLengthPointer: number, output: number, outLengthPointer: number): number;
    _speex_resampler_destroy(state: number): void;
  }
  export default function createSpeexModule(moduleArg?: object): Promise<SpeexModule>;
}
