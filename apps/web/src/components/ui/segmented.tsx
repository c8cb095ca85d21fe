'use client';
import { useRef } from 'react';
import type { KeyboardEvent } from 'react';

export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
  /** Said on hover, and to assistive technology as the option's description. */
  title?: string;
}

/**
 * A few choices side by side, one of them chosen: a radio group (WAI-ARIA's radio pattern). Tab reaches
 * the chosen one; the arrow keys, Home and End choose another and move there.
 */
export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  className = '',
}: {
  label: string;
  options: readonly SegmentedOption<T>[];
  value: T;
  onChange: (value: T) => void;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = options.findIndex((o) => o.value === value);
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? (at + 1) % options.length
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? (at - 1 + options.length) % options.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? options.length - 1
              : -1;
    const next = options[to];
    if (!next) return;
    e.preventDefault();
    onChange(next.value);
    box.current?.querySelectorAll<HTMLElement>('[role="radio"]')[to]?.focus();
  };
  return (
    <div
      ref={box}
      role="radiogroup"
      aria-label={label}
      onKeyDown={onKeyDown}
      className={`flex rounded-md border border-border bg-panel p-0.5 ${className}`}
    >
      {options.map((o) => {
        const chosen = o.value === value;
        return (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={chosen}
            tabIndex={chosen ? 0 : -1}
            title={o.title}
            onClick={() => onChange(o.value)}
            className={`h-7 rounded px-3 text-sm whitespace-nowrap ${chosen ? 'bg-panel-2 font-medium text-text' : 'text-muted hover:text-text'}`}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}
