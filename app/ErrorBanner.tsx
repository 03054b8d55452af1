import { useAppStore } from './store';

export function ErrorBanner() {
  const errors = useAppStore((s) => s.errors);
  const dismiss = useAppStore((s) => s.dismissErrors);
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" role="alert">
      <ul>
        {errors.map((message, index) => (
          <li key={index}>
            <pre>{message}</pre>
          </li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
