import { describe, expect, it } from 'vitest';
import { noMatchAdvice } from './search-advice';

describe('noMatchAdvice', () => {
  it('speaks of words for a search by words alone', () => {
    expect(noMatchAdvice({ text: 'acme widget' })).toBe(
      'No message has these words. Try fewer words or a prefix (wid*).',
    );
  });

  it('speaks of local names and the path, not of words, for an XPath alone', () => {
    const advice = noMatchAdvice({ xpath: '/order[total > 100]' });
    expect(advice).toMatch(/^No message matches the XPath\. Check its element names, local names/);
    expect(advice).toContain('namespaces removed');
    expect(advice).toContain('//name finds an element at any depth');
    expect(advice).not.toMatch(/words|wid\*/);
  });

  it('speaks of both for words and an XPath', () => {
    const advice = noMatchAdvice({ text: 'acme', xpath: '/order' });
    expect(advice).toMatch(
      /^No message has these words and matches the XPath\. Try fewer words, or the XPath alone/,
    );
    expect(advice).toContain('local names');
  });

  it('offers to widen only the filters that are set', () => {
    expect(noMatchAdvice({ text: 'acme', to: 'orders', since: new Date(0) })).toBe(
      'No message has these words. Try fewer words, a prefix (wid*), a wider time range or any listener.',
    );
    expect(noMatchAdvice({ xpath: '/order', state: 'ACKED' })).toMatch(/\)\. Or try any state\.$/);
    expect(noMatchAdvice({ xpath: '/order' })).not.toMatch(/listener|time range|state/);
  });
});
