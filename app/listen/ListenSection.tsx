/**
 * Listening: the consolidated model beside the full-width one and Silero VAD, on the
 * microphone and on files. Its worker starts on first use, so a page that only trains
 * never loads it.
 */
import { ConsolidatePanel } from './ConsolidatePanel';
import { FilePanel } from './FilePanel';
import { useListenStore } from './listenStore';
import { MicrophonePanel } from './MicrophonePanel';
import './listen.css';

export function ListenSection() {
  const listenError = useListenStore((s) => s.listenError);
  const lanes = useListenStore((s) => s.lanes);
  return (
    <section className="listen-section" data-testid="listen-section" data-lanes={lanes.map((l) => l.lane).join(',')}>
      <h2 className="listen-title">Listen</h2>
      {listenError !== null && (
        <p className="listen-error" role="alert" data-testid="listen-error">
          {listenError}
        </p>
      )}
      <ConsolidatePanel />
      <MicrophonePanel />
      <FilePanel />
    </section>
  );
}
