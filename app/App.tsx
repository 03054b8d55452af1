import { StatusBar } from './StatusBar';
import { ErrorBanner } from './ErrorBanner';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Width trade-off explorer</h1>
        <p className="subtitle">Learned layer widths for a small voice activity detector, trained live in your browser.</p>
      </header>
      <ErrorBanner />
      <main className="app-main" />
      <StatusBar />
    </div>
  );
}
