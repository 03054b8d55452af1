/** What the page asks of the microphone, and what it tells the user when that fails. */

/** Constraints for an untouched signal; `deviceId` empty = the system default. */
export function microphoneConstraints(deviceId: string): MediaStreamConstraints {
  return {
    audio: {
      ...(deviceId === '' ? {} : { deviceId: { exact: deviceId } }),
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
    video: false,
  };
}

/** A message a person can act on, for anything getUserMedia or the audio graph throws. */
export function microphoneErrorMessage(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const detail = error instanceof Error && error.message !== '' ? ` (${error.message})` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `Microphone access was denied${detail}. Allow the microphone for this page in the browser's site settings, then press Start again.`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `No microphone was found${detail}. Connect one (or pick another input), then press Start again.`;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `The microphone could not be opened${detail}: another application may be using it. Close that or pick another input, then press Start again.`;
    default:
      return `The microphone could not be started: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}
