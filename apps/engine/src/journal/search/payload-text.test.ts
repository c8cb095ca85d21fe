import { describe, expect, it } from 'vitest';
import { payloadText } from './payload-text.ts';
import { parseTextQuery, toFts5 } from './text-query.ts';

describe('payloadText', () => {
  it('keeps text and attribute values, drops names, markup and namespace declarations', () => {
    const xml =
      '<o:order xmlns:o="urn:shop" xmlns="urn:x" id="A-17" note="1 > 0"><customer>Ada &amp; Bob</customer><city>Z&#xFC;rich</city></o:order>';
    const words = payloadText(xml).split(/\s+/).filter(Boolean);
    expect(words).toEqual(['A-17', '1', '>', '0', 'Ada', '&', 'Bob', 'Zürich']);
  });
});

describe('parseTextQuery', () => {
  it('quotes every phrase (a word with punctuation inside is one), so no input is FTS5 syntax', () => {
    expect(toFts5(parseTextQuery('acme "red apple" app* NEAR( x"y') ?? { phrases: [] })).toBe(
      '"acme" AND "red apple" AND "app" * AND "near" AND "x y"',
    );
  });

  it('has nothing to look for in punctuation alone', () => {
    expect(parseTextQuery(' -- "" * ')).toBeNull();
  });
});
