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

/** One side of a range: its inclusive bound, else its exclusive one, in words. */
function bound(
  inclusive: string | undefined,
  exclusive: string | undefined,
  words: [inclusive: string, exclusive: string],
): { words: string; value: string; inclusive: boolean } | null {
  if (inclusive !== undefined) return { words: words[0], value: inclusive, inclusive: true };
  if (exclusive !== undefined) return { words: words[1], value: exclusive, inclusive: false };
  return null;
}

function boundsText(c: ValueConstraints): string | null {
  const low = bound(c.minInclusive, c.minExclusive, ['at least', 'more than']);
  const high = bound(c.maxInclusive, c.maxExclusive, ['at most', 'less than']);
  if (low?.inclusive && high?.inclusive) return `from ${low.value} to ${high.value}`;
  return (
    [low, high]
      .filter((b) => b !== null)
      .map((b) => `${b.words} ${b.value}`)
      .join(' and ') || null
  );
}
