import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { JournalOutageNotice } from './journal-outage-banner';

describe('JournalOutageNotice', () => {
  it('says the journal cannot write, why and since when, and what it means for producers and operators', () => {
    const since = Date.now() - 12_000;
    const html = renderToStaticMarkup(
      <JournalOutageNotice outage={{ reason: 'SQLITE_FULL: database or disk is full', since }} />,
    );
    const text = html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(html).toContain('role="alert"');
    expect(text).toContain('The journal cannot write since');
    expect(text).toContain('12 s ago');
    expect(text).toContain('SQLITE_FULL: database or disk is full');
    expect(text).toContain('Producers are refused with 503 JOURNAL_UNAVAILABLE');
    expect(text).toContain('opens intake by itself');
  });
});
