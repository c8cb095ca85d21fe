import { expect, it } from 'vitest';
import { exportUrlProblem, messagesExportHref } from './message-export';

const params = (query: string): URLSearchParams => new URLSearchParams(query);

it('takes every link the pages make, and refuses a key or value it would otherwise drop and widen', () => {
  const href = messagesExportHref(
    { to: 'greeter', state: 'FAILED', since: new Date('2026-12-01T10:00:00Z'), text: 'ada', xpath: '//name' },
    'xml',
  );
  expect(exportUrlProblem(new URL(href, 'http://console').searchParams)).toBeUndefined();
  expect(exportUrlProblem(params(''))).toBeUndefined();
  expect(exportUrlProblem(params('foo=1'))).toMatch(/^unknown parameter foo: the export takes to, from, /);
  expect(exportUrlProblem(params('format=bogus'))).toBe('format: "bogus" is not a valid value');
  expect(exportUrlProblem(params('state=NOPE'))).toBe('state: "NOPE" is not a valid value');
  expect(exportUrlProblem(params('since=notadate'))).toBe('since: "notadate" is not a valid value');
});
