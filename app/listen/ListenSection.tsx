/**
 * Listening: the consolidated model beside the full-width one and Silero VAD, on the
 * microphone and on files. Its worker starts when the section comes into view (or on first
 * use), so a page that only trains at the top never loads it, and a visitor who scrolls here
 * finds the lanes ready: the full model and the bundled small one.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { ConsolidatePanel } from './ConsolidatePanel';
import { FilePanel } from './FilePanel';
import { useListenStore } from './listenStore';
import { startListenWorker } from './listenWorker';
import { MicrophonePanel } from './MicrophonePanel';
import './listen.css';

/** Starts the listen worker once the element is within this distance of the viewport. */
const START_MARGIN = '400px';

function useStartWhenVisible(): RefObject<HTMLElement | null> {
  const ref = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    if (typeof IntersectionObserver === 'undefined') {
      startListenWorker();
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        startListenWorker();
      },
      { rootMargin: START_MARGIN },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return ref;
}

export function ListenSection() {
  const listenError = useListenStore((s) => s.listenError);
  const lanes = useListenStore((s) => s.lanes);
  const ref = useStartWhenVisible();
  return (
    <section ref={ref} className="listen-section" data-testid="listen-section" data-lanes={lanes.map((l) => l.lane).join(',')}>
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
