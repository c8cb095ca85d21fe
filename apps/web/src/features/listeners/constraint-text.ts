import type { ValueConstraints } from '@organism/shared';

/** One thing a value is held to, as the element tree shows it: words, and a literal in code type. */
export interface ConstraintPart {
  label: string;
  code?: string;
  /** The whole literal when `code` is cut short (a long enumeration). */
  title?: string;
}

/** Past this many values an enumeration is cut, the rest counted (all of them on hover). */
const SHOWN_VALUES = 12;

/**
 * What an element's or attribute's text is held to, in words: `one of a | b`, `2 to 80 characters`,
 * `from 0 to 100`, `matches [A-Z]{3}`, `default normal`. A list's items' own rules follow, prefixed `each item`.
 */
export function constraintParts(c: ValueConstraints): ConstraintPart[] {
  const parts: ConstraintPart[] = [];
  if (c.list) parts.push({ label: 'a space-separated list' });
  parts.push(...facetParts(c, c.list ? 'items' : 'characters'));
  if (c.items)
    parts.push(...facetParts(c.items, 'characters').map((p) => ({ ...p, label: `each item ${p.label}` })));
  if (c.default !== undefined) parts.push({ label: 'default', code: c.default });
  if (c.fixed !== undefined) parts.push({ label: 'always', code: c.fixed });
  return parts;
}

function facetParts(c: ValueConstraints, unit: string): ConstraintPart[] {
  const parts: ConstraintPart[] = [];
  if (c.enumeration) {
    const all = c.enumeration.join(' | ');
    const shown = c.enumeration.slice(0, SHOWN_VALUES).join(' | ');
    const more = c.enumeration.length - SHOWN_VALUES;
    parts.push(
      more > 0
        ? { label: 'one of', code: `${shown} | … ${more} more`, title: all }
        : { label: 'one of', code: all },
    );
  }
  for (const step of c.patterns ?? []) parts.push({ label: 'matches', code: step.join(' | ') });
  const length = lengthText(c, unit);
  if (length) parts.push({ label: length });
  const bounds = boundsText(c);
  if (bounds) parts.push({ label: bounds });
  if (c.totalDigits !== undefined) parts.push({ label: `at most ${count(c.totalDigits, 'digit')}` });
  if (c.fractionDigits !== undefined)
    parts.push({
      label: c.fractionDigits === 0 ? 'no decimals' : `at most ${count(c.fractionDigits, 'decimal')}`,
    });
  return parts;
}

const count = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

function lengthText(c: ValueConstraints, unit: string): string | null {
  const one = unit.replace(/s$/, '');
  const of = (n: number) => count(n, one);
  if (c.length !== undefined) return `exactly ${of(c.length)}`;
  const { minLength: min, maxLength: max } = c;
  if (min !== undefined && max !== undefined)
    return min === max ? `exactly ${of(min)}` : `${min} to ${of(max)}`;
  if (min !== undefined) return `at least ${of(min)}`;
  if (max !== undefined) return `at most ${of(max)}`;
  return null;
}

function boundsText(c: ValueConstraints): string | null {
  const low =
    c.minInclusive !== undefined
      ? { words: 'at least', value: c.minInclusive, inclusive: true }
      : c.minExclusive !== undefined
        ? { words: 'more than', value: c.minExclusive, inclusive: false }
        : null;
  const high =
    c.maxInclusive !== undefined
      ? { words: 'at most', value: c.maxInclusive, inclusive: true }
      : c.maxExclusive !== undefined
        ? { words: 'less than', value: c.maxExclusive, inclusive: false }
        : null;
  if (low && high && low.inclusive && high.inclusive) return `from ${low.value} to ${high.value}`;
  return (
    [low, high]
      .filter((b) => b !== null)
      .map((b) => `${b.words} ${b.value}`)
      .join(' and ') || null
  );
}
