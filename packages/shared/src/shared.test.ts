import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  isUuidV4,
  messageIdSchema,
  producerNameSchema,
  qname,
  splitQName,
  threadIdSchema,
} from './index.ts';

describe('shared helpers', () => {
  it('formats a problem with whatever location is known', () => {
    expect(
      formatProblem({
        file: 'organism.yaml',
        line: 14,
        column: 15,
        path: 'listeners[2].payload.schema',
        message: 'file not found',
      }),
    ).toBe('organism.yaml:14:15 listeners[2].payload.schema: file not found');
    expect(formatProblem({ line: 3, path: '/*/greeting', message: 'bad' })).toBe('3 /*/greeting: bad');
    expect(formatProblem({ message: 'plain' })).toBe('plain');
  });

  it('accepts only UUIDv4 thread ids', () => {
    expect(isUuidV4('3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f')).toBe(true);
    expect(isUuidV4('3f2b8c1e-9d4a-1b7e-8c2f-1a2b3c4d5e6f')).toBe(false);
    expect(isUuidV4('not-a-uuid')).toBe(false);
    expect(threadIdSchema.safeParse('3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f').success).toBe(true);
  });

  it("accepts the engine's version 8 message ids and the version 4 ids of older journals", () => {
    expect(messageIdSchema.safeParse('5d3a1c20-9d4a-8b7e-8c2f-1a2b3c4d5e6f').success).toBe(true);
    expect(messageIdSchema.safeParse('3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f').success).toBe(true);
    expect(messageIdSchema.safeParse('5d3a1c20-9d4a-8b7e-7c2f-1a2b3c4d5e6f').success).toBe(false);
    expect(messageIdSchema.safeParse('5d3a1c20').success).toBe(false);
  });

  it('refuses the engine’s names as a producer’s, saying the engine would (SENDER_RESERVED)', () => {
    expect(producerNameSchema.parse(' console:Jane Doe ')).toBe('console:Jane Doe');
    expect(producerNameSchema.parse('systemic')).toBe('systemic');
    for (const name of ['system', 'system.boot', ' system.timer '])
      expect(producerNameSchema.safeParse(name).error?.issues[0]?.message, name).toBe(
        `${name.trim()} is reserved for the engine: a producer may not send as system or system.* (SENDER_RESERVED)`,
      );
  });

  it('names the producer name it refuses as too long, so a list says which one', () => {
    const long = `billing${'x'.repeat(1000)}`;
    expect(producerNameSchema.safeParse(long).error?.issues[0]?.message).toBe(
      `a producer name is at most 1000 characters; billingxxxxxxxxxxxxx… has 1007`,
    );
  });

  it('round-trips qualified names in Clark notation', () => {
    expect(qname('urn:a', 'order')).toBe('{urn:a}order');
    expect(qname('', 'order')).toBe('order');
    expect(splitQName('{urn:a}order')).toEqual({ namespaceUri: 'urn:a', localName: 'order' });
    expect(splitQName('order')).toEqual({ namespaceUri: '', localName: 'order' });
  });
});
