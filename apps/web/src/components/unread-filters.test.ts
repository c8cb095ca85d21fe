import { describe, expect, it } from 'vitest';
import type { FilterField } from './filter-bar';
import { unreadFilters } from './unread-filters';

const fields: FilterField[] = [
  { key: 'to', label: 'to', kind: 'text' },
  { key: 'state', label: 'state', kind: 'choice', options: ['PENDING', 'ACKED'] },
  { key: 'outcome', label: 'outcome', kind: 'choice', options: ['ok', 'error'] },
  { key: 'since', label: 'since', kind: 'time' },
];
const read = (fields: readonly FilterField[], values: Record<string, string | null>, query: string) =>
  unreadFilters(fields, values, new URLSearchParams(query)).map((u) => [u.field.key, u.raw, u.why]);

describe('unreadFilters', () => {
  it('names a value the address has but the page could not read, and what it is not', () => {
    expect(read(fields, { state: null }, 'state=NOPE')).toEqual([['state', 'NOPE', 'not a state']]);
    expect(read(fields, { outcome: null }, 'outcome=maybe')).toEqual([
      ['outcome', 'maybe', 'not an outcome'],
    ]);
    expect(read(fields, { since: null }, 'since=yesterday')).toEqual([
      ['since', 'yesterday', 'not a date and time'],
    ]);
  });

  it('passes over values that were read, absent keys, and empty ones', () => {
    expect(read(fields, { state: 'ACKED', to: 'greeter' }, 'state=ACKED&to=greeter')).toEqual([]);
    expect(read(fields, {}, 'view=tail')).toEqual([]);
    expect(read(fields, { to: '' }, 'to=&state=')).toEqual([]);
  });
});
