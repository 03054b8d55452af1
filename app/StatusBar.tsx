import { useAppStore } from './store';

export function StatusBar() {
  const workerStatus = useAppStore((s) => s.workerStatus);
  const backend = useAppStore((s) => s.backend);
  const reason = useAppStore((s) => s.backendReason);

  let text: string;
  if (workerStatus === 'crashed') text = 'Trainer worker stopped';
  else if (backend === null) text = 'Starting trainer…';
  else text = `Backend: ${backend}`;

  return (
    <footer className="status-bar" role="status" data-worker-status={workerStatus}>
      <span className="status-backend" data-backend={backend ?? ''}>
        {text}
      </span>
      {reason !== '' && (
        <span className="status-reason" title={reason}>
          Why: {reason}
        </span>
      )}
    </footer>
  );
}
