/** Things the user should know that are not errors: rejected link parameters, runs kept only in memory, a restarted worker. */
import { useAppStore } from './store';

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotices);
  if (notices.length === 0) return null;
  return (
    <div className="notice-banner" role="status" data-testid="notices">
      <ul>
        {notices.map((message, index) => (
          <li key={index} data-testid="notice">
            {message}
          </li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
