/**
 * The microphone on the page: getUserMedia with the browser's voice processing off (echo
 * cancellation, noise suppression and automatic gain would change what the models hear),
 * an AudioContext at the device's rate, and the capture worklet (workers/capture.worklet.ts),
 * which mixes down to mono and sends the samples, at that rate, to the listen worker over its
 * own port (the worker resamples them to 16 kHz).
 */
import captureWorkletUrl from '../../workers/capture.worklet.ts?worker&url';
import type { ToCapture } from '../../src/protocol';
import { microphoneConstraints } from './micErrors';

export interface MicrophoneSession {
  /** The AudioContext's clock, to turn a chunk's capture time into a latency. */
  context: AudioContext;
  label: string;
  stop(): void;
}

/** The audio inputs the browser lists (labels appear once the page has been allowed the microphone). */
export async function audioInputs(): Promise<{ deviceId: string; label: string }[]> {
  if (navigator.mediaDevices?.enumerateDevices === undefined) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label !== '' ? d.label : `Microphone ${i + 1}` }));
}

/**
 * Opens the microphone and starts the worklet, which sends mono audio at the context's rate into `workerPort`.
 * `onEnded` is called if the device goes away while streaming (unplugged, revoked).
 */
export async function startMicrophone(deviceId: string, workerPort: MessagePort, onEnded: (message: string) => void): Promise<MicrophoneSession> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new DOMException('this page has no navigator.mediaDevices (it needs https or localhost)', 'SecurityError');
  }
  const stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
  const track = stream.getAudioTracks()[0];
  let context: AudioContext | null = null;
  try {
    if (track === undefined) throw new DOMException('the stream has no audio track', 'NotFoundError');
    context = new AudioContext({ latencyHint: 'interactive' });
    await context.audioWorklet.addModule(captureWorkletUrl);
    const source = context.createMediaStreamSource(stream);
    // One silent output, connected, so the browser keeps pulling the node.
    const node = new AudioWorkletNode(context, 'capture-mono', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    node.port.postMessage({ type: 'connect', port: workerPort } satisfies ToCapture, [workerPort]);
    source.connect(node).connect(context.destination);
    await context.resume();
    const opened = context;
    let stopped = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      track.removeEventListener('ended', ended);
      node.port.postMessage({ type: 'stop' } satisfies ToCapture);
      source.disconnect();
      node.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      void opened.close();
    };
    const ended = (): void => {
      stop();
      onEnded(`The microphone (${track.label || 'input'}) stopped delivering audio: it was unplugged or access was revoked. Reconnect it and press Start again.`);
    };
    track.addEventListener('ended', ended);
    return { context: opened, label: track.label, stop };
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    void context?.close();
    throw error;
  }
}
