/** Which finished runs the details panel shows: one, or two side by side. */
import { create } from 'zustand';

export const useRunSelection = create<{ selected: string[] }>(() => ({ selected: [] }));

/** Shows one run (the table's "show" button). */
export function showRun(runId: string): void {
  useRunSelection.setState({ selected: [runId] });
}

/** Shows `runId` beside the run already shown; null closes the second card. */
export function compareWith(runId: string | null): void {
  const [first] = useRunSelection.getState().selected;
  if (first === undefined) return;
  useRunSelection.setState({ selected: runId === null || runId === first ? [first] : [first, runId] });
}

export function closeRuns(): void {
  useRunSelection.setState({ selected: [] });
}
