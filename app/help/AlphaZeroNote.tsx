/**
 * What α = 0 does to the widths, said where α is set: nothing asks them to move, so a full-width
 * model stays at full width, and a width already shrunk stays where it is (α = 0 does not pull it
 * back up). The width gradient is built for exactly this (README, "Widths move only for a reason").
 */
import { useAppStore } from '../store';

export function AlphaZeroNote() {
  const show = useAppStore((s) => s.setup.alpha === 0 && s.setup.budgetFlopsPerSecond === null && s.setup.method !== 'uniform');
  const synthetic = useAppStore((s) => s.setup.modelId === 'synthetic');
  if (!show) return null;
  return (
    <p className="hint" data-testid="alpha-zero-note">
      At α = 0 nothing asks for fewer FLOP/s, so the widths do not move: a full-width model stays at full width, and a width that has
      already shrunk stays where it is (α = 0 does not pull it back up).
      {synthetic && ' Here 24 of the 32 inputs carry no signal, yet at α = 0 the command-line sweep keeps all 32: dropping them takes a reason, α > 0.'}
    </p>
  );
}
