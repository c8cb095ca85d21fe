import type { FilterField } from './filter-bar';

/** A filter in the address that the page could not read, so filters nothing: `state=NOPE`. */
export interface UnreadFilter {
  field: FilterField;
  /** The value as the address has it. */
  raw: string;
  /** What it is not: "not a state", "not a date and time". */
  why: string;
}

/**
 * The filters the address gives a value that the page's parser refused (an unknown state, a time that is
 * not one): the raw value is there, the parsed one is not. A field's key is its key in the address.
 */
export function unreadFilters(
  fields: readonly FilterField[],
  values: Readonly<Record<string, string | null | undefined>>,
  params: { get(key: string): string | null },
): UnreadFilter[] {
  return fields.flatMap((field) => {
    const raw = params.get(field.key);
    if (!raw?.trim() || values[field.key]) return [];
    return [{ field, raw, why: notA(field) }];
  });
}

function notA(field: FilterField): string {
  if (field.kind === 'time') return 'not a date and time';
  return `not ${/^[aeiou]/i.test(field.label) ? 'an' : 'a'} ${field.label}`;
}
