import { describe, expect, it } from 'vitest';
import { engineFieldErrors, schemaErrors } from './form-errors';

const listenerMessage =
  'greeter is a listener of this organism: a producer may not send as a listener (SENDER_RESERVED)';

describe('form errors', () => {
  it('puts a list item’s problem at its field in the item’s own words, not under its index', () => {
    expect(schemaErrors([{ path: ['producers', 1], message: listenerMessage }])).toEqual({
      producers: listenerMessage,
    });
    const refused = {
      message: `invalid input: producers[1]: ${listenerMessage}`,
      data: { engineCode: 'INPUT_INVALID', problems: [{ path: 'producers[1]', message: listenerMessage }] },
    };
    expect(engineFieldErrors(refused)).toEqual({ producers: listenerMessage });
  });

  it('keeps the first problem per field, and names a nested key', () => {
    expect(
      schemaErrors([
        { path: ['name'], message: 'at least 1 character' },
        { path: ['name'], message: 'second' },
        { path: ['filter', 'to'], message: 'not a listener' },
      ]),
    ).toEqual({ name: 'at least 1 character', filter: 'to: not a listener' });
  });
});
