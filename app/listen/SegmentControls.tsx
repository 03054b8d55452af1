/** Threshold and hang-over of the segment detection, shared by the microphone and file lanes. */
import { useListenStore } from './listenStore';

export function SegmentControls() {
  const threshold = useListenStore((s) => s.threshold);
  const hangover = useListenStore((s) => s.hangoverSeconds);
  const set = useListenStore((s) => s.set);
  return (
    <div className="listen-row segment-controls">
      <label>
        threshold {threshold.toFixed(2)}{' '}
        <input
          type="range"
          data-testid="threshold"
          min={0.05}
          max={0.95}
          step={0.05}
          value={threshold}
          onChange={(e) => set({ threshold: Number(e.target.value) })}
        />
      </label>
      <label>
        hang-over {Math.round(hangover * 1000)} ms{' '}
        <input
          type="range"
          data-testid="hangover"
          min={0}
          max={1}
          step={0.05}
          value={hangover}
          onChange={(e) => set({ hangoverSeconds: Number(e.target.value) })}
        />
      </label>
    </div>
  );
}
