/** The parts of the Speex resampler's Emscripten module that src/audio/speexWasm.ts and resample.ts call (pointers are byte offsets into HEAP*). */
declare module '@echogarden/speex-resampler-wasm' {
  export interface SpeexModule {
    HEAPF32: Float32Array;
    HEAPU32: Uint32Array;
    HEAP32: Int32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_process_float(state: number, channel: number, input: number, inLengthPointer: number, output: number, outLengthPointer: number): number;
    _speex_resampler_destroy(state: number): void;
  }
  export default function createSpeexModule(moduleArg?: object): Promise<SpeexModule>;
}

/** The same module built with wasm SIMD (the bench times it beside the plain build). */
declare module '@echogarden/speex-resampler-wasm/simd' {
  import type { SpeexModule } from '@echogarden/speex-resampler-wasm';
  export default function createSpeexModule(moduleArg?: object): Promise<SpeexModule>;
}
