import { useEffect, useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number;
  onCommit(value: number): void;
  testId: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
  title?: string;
}

/** A labelled number input that keeps the text being typed and commits only valid numbers. */
export function NumberField({ label, value, onCommit, testId, min, max, step = 'any', integer, disabled, title }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => {
    setText((current) => (Number(current) === value ? current : String(value)));
  }, [value]);
  const commit = (raw: string) => {
    setText(raw);
    const parsed = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(parsed)) return;
    if (integer === true && !Number.isInteger(parsed)) return;
    if ((min !== undefined && parsed < min) || (max !== undefined && parsed > max)) return;
    onCommit(parsed);
  };
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        value={text}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        data-testid={testId}
        onChange={(event) => commit(event.target.value)}
      />
    </label>
  );
}
