import { describe, expect, it } from 'vitest';
import { knownKeysAt, suggestKey } from './suggest-key.ts';
import { organismFileSchema } from './organism-schema.ts';

describe('knownKeysAt', () => {
  it('lists the keys of the object at a path, stepping through defaults and list elements', () => {
    expect(knownKeysAt(organismFileSchema, ['pump'])).toEqual([
      'maxConcurrency',
      'queueSize',
      'maxDepth',
      'maxHopsPerThread',
      'maxMessageBytes',
      'intakeWorkers',
    ]);
    expect(knownKeysAt(organismFileSchema, ['listeners', 3, 'payload'])).toEqual(['schema', 'root']);
    expect(knownKeysAt(organismFileSchema, ['listeners', 0, 'retry'])).toEqual([
      'maxAttempts',
      'initialDelayMs',
      'maxDelayMs',
    ]);
  });

  it('is empty where the path does not lead to an object', () => {
    expect(knownKeysAt(organismFileSchema, ['name'])).toEqual([]);
    expect(knownKeysAt(organismFileSchema, ['nowhere', 'at', 'all'])).toEqual([]);
  });
});

describe('suggestKey', () => {
  it('suggests the nearest key within two edits (three for longer words), ignoring case', () => {
    expect(suggestKey('tiemout', ['timeout', 'retry'])).toBe('timeout');
    expect(suggestKey('retries', ['timeout', 'retry'])).toBe('retry');
    expect(suggestKey('paylod', ['payload', 'peers'])).toBe('payload');
    expect(suggestKey('rety', ['timeout', 'retry', 'agent'])).toBe('retry');
    expect(suggestKey('maxconcurency', ['maxConcurrency', 'maxDepth'])).toBe('maxConcurrency');
  });

  it('suggests nothing when no key is close', () => {
    expect(suggestKey('owner', ['timeout', 'retry'])).toBeUndefined();
    expect(
      suggestKey('colour', ['name', 'description', 'pump', 'journal', 'server', 'retry', 'listeners']),
    ).toBeUndefined();
  });
});
