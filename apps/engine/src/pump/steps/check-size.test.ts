import { describe, expect, it } from 'vitest';
import { checkSize } from './check-size.ts';
import { external, stepContext } from './step-test-kit.ts';

describe('checkSize', () => {
  const ctx = stepContext();
  it('passes input at the limit and refuses one byte more, counting bytes not characters', () => {
    expect(checkSize(external('a'.repeat(4096)), ctx).error).toBeUndefined();
    expect(checkSize(external('é'.repeat(2049)), ctx).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'message is 4098 bytes; the limit is 4096',
    });
  });
});
