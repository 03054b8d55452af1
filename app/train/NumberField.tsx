import { useEffect, useId, useState } from 'react';
import { useAppStore } from '../store';
import { checkNumber, type NumberRule } from './setupRules';

interface NumberFieldProps {
  label: string;
  value: number;
  onCommit(value: number): void;
  testId: string;
  /** The allowed range (train/setupRules.ts): text outside it is shown with the reason and never committed. */
  rule: NumberRule;
  disabled?: boolean;
  title?: string;
}

/**
 * A labelled number input that keeps the text being typed, commits only values its rule
 * allows, and otherwise says why beside the field (aria-invalid). While any field holds
 * invalid text the store knows it, and Train stays disabled.
 */
export function NumberField({ label, value, onCommit, testId, rule, disabled, title }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  const errorId = `${useId().replace(/[^a-zA-Z0-9_-]/g, '')}-error`;
  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== '' ? current : String(value)));
  }, [value]);
  const error = checkNumber(text, rule).error;
  const setFieldError = useAppStore((s) => s.setFieldError);
  useEffect(() => {
    setFieldError(testId, error === null ? null : `${label}: ${error}`);
  }, [setFieldError, testId, label, error]);
  // A field that goes away (another model's κ_min, the uniform fraction) blocks nothing.
  useEffect(() => () => setFieldError(testId, null), [setFieldError, testId]);
  const commit = (raw: string) => {
    setText(raw);
    const checked = checkNumber(raw, rule);
    if (checked.error === null) onCommit(checked.value);
  };
  return (
    <label className={error === null ? 'field' : 'field invalid'} title={title}>
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        value={text}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={error === null ? undefined : errorId}
        data-testid={testId}
        onChange={(event) => commit(event.target.value)}
      />
      {error !== null && (
        <span className="field-error" id={errorId} data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </label>
  );
}
