/**
 * The seed paper's published VAD points (public/paper/vad-results.csv, copied from its
 * project page): plotted beside this project's runs, labelled as the paper's.
 */
import { useEffect, useState } from 'react';

export interface PaperPoint {
  model: string;
  family: string;
  method: string;
  /** FLOP/s (the CSV gives MFLOP/s). */
  x: number;
  /** Pooled EER in %. */
  y: number;
}

export const PAPER_LABEL = "paper's published results (VCTK+ESC-50, not comparable number for number)";

export function parsePaperCsv(text: string): PaperPoint[] {
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .map((cells) => ({
      model: cells[at('model')] ?? '',
      family: cells[at('family')] ?? '',
      method: cells[at('method')] ?? '',
      x: 1e6 * Number(cells[at('mflops_per_s')]),
      y: Number(cells[at('eer_pooled_pct')]),
    }))
    .filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y));
}

let loading: Promise<PaperPoint[]> | null = null;

function loadPaperPoints(): Promise<PaperPoint[]> {
  loading ??= fetch(`${import.meta.env.BASE_URL}paper/vad-results.csv`).then(async (response) => {
    if (!response.ok) throw new Error(`paper results: HTTP ${response.status}`);
    return parsePaperCsv(await response.text());
  });
  return loading;
}

/** The paper's points for one VAD family ([] for other models or until loaded). */
export function usePaperPoints(family: string | null): PaperPoint[] {
  const [points, setPoints] = useState<PaperPoint[]>([]);
  useEffect(() => {
    if (family === null) {
      setPoints([]);
      return;
    }
    let live = true;
    loadPaperPoints()
      .then((all) => live && setPoints(all.filter((point) => point.family === family)))
      .catch(() => live && setPoints([]));
    return () => {
      live = false;
    };
  }, [family]);
  return points;
}
