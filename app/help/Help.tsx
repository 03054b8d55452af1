/**
 * A "?" beside a control or chart title that opens its plain-language help. A <details> element:
 * its summary is focusable and opens with Enter or Space, so every help is reachable by keyboard.
 */
import { HELP, type HelpTopic } from './helpTexts';
import './help.css';

export function Help({ topic }: { topic: HelpTopic }) {
  const entry = HELP[topic];
  return (
    <details className="help" data-testid={`help-${topic}`} data-help-topic={topic}>
      <summary aria-label={`Help: ${entry.title}`} title={`Help: ${entry.title}`}>
        ?
      </summary>
      <div className="help-text" role="note" aria-label={entry.title}>
        {entry.paragraphs.map((paragraph) => (
          <p key={paragraph.slice(0, 40)}>{paragraph}</p>
        ))}
      </div>
    </details>
  );
}
