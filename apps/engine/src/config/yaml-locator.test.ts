import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { createYamlLocator } from './yaml-locator.ts';

function locatorFor(text: string) {
  const lineCounter = new LineCounter();
  return createYamlLocator(parseDocument(text, { lineCounter }), lineCounter);
}

// Lines 1 to 8; columns are 1-based, as editors show them.
const TEXT = [
  'name: demo',
  'listeners:',
  '  - name: greeter',
  '    payload:',
  '      schema: schemas/greeter.xsd',
  '    peers: [a, b]',
  '    owner:',
  '  - { name: shouter, agent: true }',
].join('\n');

describe('createYamlLocator', () => {
  const { locate, position } = locatorFor(TEXT);

  it('locates the value of a key path, through block and flow collections', () => {
    expect(locate(['name'])).toEqual({ line: 1, column: 7 });
    expect(locate(['listeners', 0, 'payload', 'schema'])).toEqual({ line: 5, column: 15 });
    expect(locate(['listeners', 0, 'peers', 1])).toEqual({ line: 6, column: 16 });
    expect(locate(['listeners', 1, 'agent'])).toEqual({ line: 8, column: 29 });
  });

  it('locates an empty value at its key', () => {
    expect(locate(['listeners', 0, 'owner'])).toEqual({ line: 7, column: 5 });
  });

  it('locates a missing key at its nearest existing parent', () => {
    expect(locate(['listeners', 0, 'payload', 'root'])).toEqual({ line: 5, column: 7 });
    expect(locate(['listeners', 1, 'description'])).toEqual({ line: 8, column: 5 });
    expect(locate(['listeners', 7, 'name'])).toEqual({ line: 3, column: 3 });
    expect(locate(['name', 'deeper'])).toEqual({ line: 1, column: 7 });
  });

  it('locates the root at the first key, and everything in an empty document at 1:1', () => {
    expect(locate([])).toEqual({ line: 1, column: 1 });
    expect(locatorFor('# only a comment\n').locate(['name'])).toEqual({ line: 1, column: 1 });
  });

  it('turns character offsets into positions', () => {
    expect(position(0)).toEqual({ line: 1, column: 1 });
    expect(position(TEXT.indexOf('payload'))).toEqual({ line: 4, column: 5 });
  });
});
