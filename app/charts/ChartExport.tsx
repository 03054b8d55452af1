/** "Save as SVG / PNG" for one chart: buttons beside it (never inside its SVG, which stays one tab stop). */
import { useState } from 'react';
import { download } from '../download';
import { chartPng, chartSvgFile, type LegendEntry } from './exportChart';
import './charts.css';

export interface ChartExportProps {
  /** File name without extension. */
  name: string;
  title: string;
  legend?: readonly LegendEntry[];
  /** The chart's <svg> as drawn now (null while there is none). */
  svg: () => SVGSVGElement | null;
  /** Test ids `${testId}-svg` and `${testId}-png`. */
  testId: string;
}

export function ChartExport({ name, title, legend, svg, testId }: ChartExportProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (format: 'svg' | 'png') => {
    setProblem(null);
    const element = svg();
    if (element === null) {
      setProblem('There is no chart to save yet.');
      return;
    }
    try {
      const file = chartSvgFile(element, { title, legend });
      if (format === 'svg') download(`${name}.svg`, 'image/svg+xml', file.text);
      else download(`${name}.png`, 'image/png', await chartPng(file));
    } catch (error) {
      setProblem(`Could not save the chart as ${format.toUpperCase()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <span className="chart-export">
      Save chart as{' '}
      <button type="button" className="link-button" data-testid={`${testId}-svg`} aria-label={`Save ${title} as SVG`} onClick={() => void save('svg')}>
        SVG
      </button>{' '}
      <button type="button" className="link-button" data-testid={`${testId}-png`} aria-label={`Save ${title} as PNG`} onClick={() => void save('png')}>
        PNG
      </button>
      {problem !== null && (
        <span className="field-error" role="alert">
          {' '}
          {problem}
        </span>
      )}
    </span>
  );
}
