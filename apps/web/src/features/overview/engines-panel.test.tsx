import type { EngineSummary, SharedConfigSummary } from '@organism/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnginesTable } from './engines-panel';

const now = Date.now();
const engine = (id: string, over: Partial<EngineSummary> = {}): EngineSummary => ({
  id,
  host: 'web-1',
  pid: 4242,
  address: 'http://10.0.0.1:7070',
  state: 'running',
  startedAt: now - 3_600_000,
  heartbeatAt: now - 2_000,
  self: false,
  adoptedBy: null,
  adoptedAt: null,
  configVersion: 'b950077d8428',
  configError: null,
  supervised: true,
  restarting: false,
  listeners: null,
  ...over,
});

/** The table's rows as text, one string per row (tags dropped, spaces collapsed). */
function rows(engines: EngineSummary[], config?: SharedConfigSummary): string[] {
  const html = renderToStaticMarkup(<EnginesTable engines={engines} config={config ?? null} />);
  const body = html.slice(html.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('EnginesTable', () => {
  // Times are shown relative to now: the clock stands still, however slowly the test runs.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  const a = engine('aaaaaaaa-1111-4000-8000-000000000001', { self: true });
  const b = engine('bbbbbbbb-2222-4000-8000-000000000002', {
    host: 'web-2',
    pid: 7,
    address: null,
    listeners: ['greeter', 'shouter'],
  });
  const c = engine('cccccccc-3333-4000-8000-000000000003', {
    state: 'dead',
    heartbeatAt: now - 120_000,
    adoptedBy: a.id,
    adoptedAt: now - 60_000,
  });

  it('gives each engine its state, short id, pid@host, address, start and last heartbeat', () => {
    const [first, second, third] = rows([a, b, c]);
    expect(first).toBe(
      'running aaaaaaaa this engine 4242@web-1 http://10.0.0.1:7070 1 h ago 2 s ago every listener b950077d8428',
    );
    expect(second).toBe('running bbbbbbbb 7@web-2 — 1 h ago 2 s ago greeter, shouter b950077d8428');
    expect(third).toBe(
      'dead cccccccc 4242@web-1 http://10.0.0.1:7070 1 h ago 2 min ago every listener b950077d8428 work adopted by aaaaaaaa',
    );
  });

  it('marks only the engine answering, links addresses, and colours states as CONSOLE.md says', () => {
    const html = renderToStaticMarkup(<EnginesTable engines={[a, b, c]} />);
    expect(html.match(/this engine/g)).toHaveLength(1);
    expect(html).toContain('href="http://10.0.0.1:7070"');
    expect(html).toContain('2 of 3 running');
    const badges = [
      ...html.matchAll(/<span class="inline-flex items-center gap-1.5 text-xs font-medium (text-\w+)"/g),
    ];
    expect(badges.map((m) => m[1])).toEqual(['text-acked', 'text-acked', 'text-failed']);
    const stopped = renderToStaticMarkup(<EnginesTable engines={[engine('d', { state: 'stopped' })]} />);
    expect(stopped).toContain('text-pending');
    // One a rolling restart asked to restart, while it drains.
    const restarting = renderToStaticMarkup(<EnginesTable engines={[engine('e', { restarting: true })]} />);
    expect(restarting).toContain('text-dispatched');
    expect(restarting.replace(/<[^>]+>/g, ' ')).toMatch(/restarting/);
  });

  it('lists engines that ended over an hour ago only on request', () => {
    const old = engine('ffffffff-4444-4000-8000-000000000004', {
      state: 'stopped',
      heartbeatAt: now - 7_200_000,
    });
    const html = renderToStaticMarkup(<EnginesTable engines={[a, old]} />);
    expect(rows([a, old])).toHaveLength(1);
    expect(html).toContain('Show 1 engine that ended over an hour ago');
    expect(html).toContain('1 of 2 running');
  });

  it('says which configuration each engine runs: behind the newest, or why it cannot run it', () => {
    const config = { version: 'f3df812b1ee8', actor: 'ada', engine: a.id, at: now - 30_000 };
    const html = (e: EngineSummary[]) => renderToStaticMarkup(<EnginesTable engines={e} config={config} />);
    const current = engine('a', { configVersion: 'f3df812b1ee8' });
    const behind = engine('b');
    const failing = engine('c', {
      configError: 'cannot run f3df812b1ee8: organism.yaml:20:15 listeners[0].payload.schema: file not found',
    });
    const gone = engine('d', { state: 'stopped' });
    const [r1, r2, r3, r4] = [current, behind, failing, gone].map((e) => rows([e], config)[0]);
    expect(r1).toMatch(/ f3df812b1ee8$/);
    expect(r2).toMatch(/ b950077d8428 · behind f3df812b1ee8$/);
    expect(r3).toMatch(
      / b950077d8428 · cannot run f3df812b1ee8: organism.yaml:20:15 listeners\[0\].payload.schema: file not found$/,
    );
    // A stopped engine is not behind: it runs nothing.
    expect(r4).toMatch(/ b950077d8428$/);
    expect(html([behind])).toContain('text-rejected');
    expect(html([failing])).toContain('text-failed');
    expect(html([current]).replace(/<[^>]+>/g, '')).toContain(
      '1 of 1 running · config f3df812b1ee8 by ada 30 s ago',
    );
  });
});
