/**
 * At α = 0 the widths still move, for a real reason: noise on an input or unit the task does not
 * use costs the task nothing, so nothing holds its width up. Said where the α is set.
 */
import { useAppStore } from '../store';

export function AlphaZeroNote() {
  const show = useAppStore((s) => s.setup.alpha === 0 && s.setup.budgetFlopsPerSecond === null && s.setup.method !== 'uniform');
  const synthetic = useAppStore((s) => s.setup.modelId === 'synthetic');
  if (!show) return null;
  return (
    <p className="hint" data-testid="alpha-zero-note">
      At α = 0 widths can still shrink: noise on an input or unit the task does not use costs the task nothing, so nothing holds its
      width up.
      {synthetic && ' Here 24 of the 32 inputs carry no signal; in the command-line sweep the input width fell from 32 to about 17 at α = 0.'}
    </p>
  );
}
