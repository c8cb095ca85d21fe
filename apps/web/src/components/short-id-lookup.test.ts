import { expect, it } from 'vitest';
import { isIdPrefix } from './short-id-lookup';

it('takes the first 4 to 35 characters of an id as a start to look up, not a whole id nor other text', () => {
  for (const start of [
    'ced5',
    'ced55ba5',
    'CED55BA5',
    '468c6e39-2780',
    '468c6e39-2780-4d88-90d8-f90b2539d90',
  ])
    expect(isIdPrefix(start)).toBe(true);
  for (const other of [
    'ced',
    '468c6e39-2780-4d88-90d8-f90b2539d902',
    'greeter',
    '../etc',
    '-ced5',
    'ced5 ba5',
  ])
    expect(isIdPrefix(other)).toBe(false);
});
