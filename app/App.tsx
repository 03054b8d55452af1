import { AccuracyFlopsChart } from './charts/AccuracyFlopsChart';
import { LossChart } from './charts/LossChart';
import { WidthChart } from './charts/WidthChart';
import { Controls } from './train/Controls';
import { CurvePanel } from './curve/CurvePanel';
import { HowItWorks } from './help/HowItWorks';
import { ErrorBanner } from './ErrorBanner';
import { FinishedRuns } from './runs/FinishedRuns';
import { ListenSection } from './listen/ListenSection';
import { Notices } from './Notices';
import { RunDetails } from './runs/RunDetails';
import { RunSummaryPanel } from './train/RunSummaryPanel';
import { StatsPanel } from './train/StatsPanel';
import { StatusBar } from './StatusBar';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Width trade-off explorer</h1>
        <p className="subtitle">
          Learned layer widths (feature-noise injection, arXiv 2601.13704) trained live in your browser: drag α and watch the
          compute cost fall.
        </p>
        <HowItWorks />
      </header>
      <ErrorBanner />
      <Notices />
      <main className="app-main">
        <Controls />
        <div className="dashboard">
          <StatsPanel />
          <AccuracyFlopsChart />
          <div className="chart-row">
            <WidthChart />
            <LossChart />
          </div>
          <RunSummaryPanel />
          <CurvePanel />
          <FinishedRuns />
          <RunDetails />
          <ListenSection />
        </div>
      </main>
      <StatusBar />
    </div>
  );
}
