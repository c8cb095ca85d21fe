'use client';
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { useId } from 'react';

export const FIELD_CLASS =
  'h-9 w-full rounded-md border bg-panel px-3 text-sm outline-none focus:border-accent aria-[invalid=true]:border-failed';

/** A label, its control and what is wrong with it (said next to the field, and read with it). */
function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-failed">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type FieldProps = { label: string; hint?: ReactNode; error?: string | undefined };

/** A text, password or other input with its label and error. */
export function TextField({
  label,
  hint,
  error,
  className = '',
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={`${FIELD_CLASS} ${error ? 'border-failed' : 'border-border'} ${className}`}
        {...input}
      />
    </Field>
  );
}

/** A select with its label and error. */
export function SelectField({
  label,
  hint,
  error,
  children,
  className = '',
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={`${FIELD_CLASS} ${error ? 'border-failed' : 'border-border'} ${className}`}
        {...select}
      >
        {children}
      </select>
    </Field>
  );
}
