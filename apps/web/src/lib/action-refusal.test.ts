import { describe, expect, it } from 'vitest';
import { describeRefusal } from './action-refusal';

const refused = (engineCode: string, message: string) => ({ message, data: { engineCode } });

describe('describeRefusal', () => {
  it('shows the engine’s own sentence for a message that is no dead letter any more', () => {
    const sentence = 'message 1a2b3c4d is DISPATCHED now, not a dead letter: someone retried it';
    expect(describeRefusal(refused('NOT_RETRYABLE', sentence))).toBe(sentence);
    expect(describeRefusal(refused('CONFLICT', sentence))).toBe(sentence);
  });

  it('reads any other error as the console does everywhere', () => {
    expect(describeRefusal(refused('FORBIDDEN', 'this needs the operator role; you are viewer'))).toBe(
      'Your role does not allow this. (this needs the operator role; you are viewer)',
    );
  });
});
