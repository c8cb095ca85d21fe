import { afterAll, beforeAll, expect, it } from 'vitest';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';
import { changesInOrder } from '@organism/shared';
import type { ConsoleEvent, RoutedTransition } from '@organism/shared';
import type { StreamItem } from '../../src/api/routers/events-router.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const greeting = (n: number): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>t</from><to>greeter</to></meta><greeting xmlns=""><name>n${n}</name></greeting></message>`;

/** Transitions one by one and events, as a client applies them (however they were grouped). */
const units = (items: StreamItem[]): (RoutedTransition | ConsoleEvent)[] => items.flatMap(changesInOrder);

/** Collects tracked transitions until `stop` says so; returns the seqs seen and the last event id. */
async function collect(
  client: Awaited<ReturnType<ServerHarness['client']>>,
  lastEventId: string | null,
  stop: (seqs: number[]) => boolean,
): Promise<{ seqs: number[]; lastId: string | null }> {
  const seqs: number[] = [];
  let lastId = lastEventId;
  await new Promise<void>((resolve, reject) => {
    const sub = client.events.stream.subscribe(
      { lastEventId },
      {
        onData: (envelope) => {
          const { id, data } = envelope;
          if (data.kind !== 'changes' || data.transitions.length === 0) return;
          for (const t of data.transitions) seqs.push(t.seq);
          lastId = id;
          if (stop(seqs)) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  return { seqs, lastId };
}

it('streams journal transitions and resumes after a reconnect with no gap and no repeat', async () => {
  const viewer = await h.client('viewer');
  for (let i = 0; i < 5; i++) expect((await post(h, greeting(i))).status).toBe(202);
  await h.engine.whenQuiet();
  const total = (await h.journal.stats()).lastSeq;
  // First connection reads part of the history, then drops.
  const first = await collect(viewer, '0', (s) => s.length >= 7);
  // More traffic while disconnected.
  for (let i = 5; i < 10; i++) expect((await post(h, greeting(i))).status).toBe(202);
  await h.engine.whenQuiet();
  const head = (await h.journal.stats()).lastSeq;
  expect(head).toBeGreaterThan(total);
  const second = await collect(viewer, first.lastId, (s) => (s.at(-1) ?? 0) >= head);
  const all = [...first.seqs, ...second.seqs];
  expect(new Set(all).size).toBe(all.length);
  const expected = (await h.journal.transitions(0, 10_000)).map((t) => t.seq).filter((s) => s <= head);
  expect(all).toEqual(expected);
});

it('filters the stream by thread', async () => {
  const viewer = await h.client('viewer');
  const res = (await (await post(h, greeting(99))).json()) as { threadId: string };
  await h.engine.whenQuiet();
  const expected = (await h.journal.transitions(0, 10_000))
    .filter((t) => t.threadId === res.threadId)
    .map((t) => t.seq);
  const seqs: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const sub = viewer.events.stream.subscribe(
      { lastEventId: '0', threadId: res.threadId },
      {
        onData: (envelope) => {
          const { data } = envelope as unknown as { data: StreamItem };
          if (data.kind === 'changes') for (const t of data.transitions) seqs.push(t.seq);
          if (seqs.length === expected.length) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  expect(seqs).toEqual(expected);
});

it('tells a client far behind that it lagged, and still delivers everything from its cursor', async () => {
  const viewer = await h.client('viewer');
  // 6,000 journal transitions written straight to the journal (they are never dispatched).
  const { delivery } = await import('../../src/journal/journal-contract.ts');
  for (let i = 0; i < 6; i++)
    await h.journal.hooks.onIntent?.(Array.from({ length: 1000 }, () => delivery()));
  const head = (await h.journal.stats()).lastSeq;
  const kinds: string[] = [];
  const seqs: number[] = [];
  let last = 0;
  await new Promise<void>((resolve, reject) => {
    const sub = viewer.events.stream.subscribe(
      { lastEventId: '0', events: false },
      {
        onData: (envelope) => {
          const { data } = envelope as unknown as { data: StreamItem };
          kinds.push(data.kind);
          if (data.kind === 'changes') {
            for (const t of data.transitions) seqs.push(t.seq);
            last = data.transitions.at(-1)?.seq ?? last;
          }
          if (last >= head) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  expect(kinds[0]).toBe('lagged');
  expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  // In a few items, not one per transition.
  expect(kinds.filter((k) => k === 'changes').length).toBeLessThanOrEqual(Math.ceil(head / 500) + 2);
}, 60_000);

it('carries each transition’s route and filters by recipient', async () => {
  const viewer = await h.client('viewer');
  const res = (await (await post(h, greeting(100))).json()) as { threadId: string };
  await h.engine.whenQuiet();
  const expected = (await h.journal.routedTransitions(0, 100_000)).filter(
    (t) => t.threadId === res.threadId && t.to === 'shouter',
  );
  expect(expected.length).toBeGreaterThan(0);
  const got: RoutedTransition[] = [];
  await new Promise<void>((resolve, reject) => {
    const sub = viewer.events.stream.subscribe(
      { lastEventId: '0', threadId: res.threadId, to: 'shouter' },
      {
        onData: (envelope) => {
          const { data } = envelope as unknown as { data: StreamItem };
          if (data.kind === 'changes') got.push(...data.transitions);
          if (got.length === expected.length) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  expect(got).toEqual(expected);
  expect(expected[0]).toMatchObject({ from: 'greeter', to: 'shouter', kind: 'forward', root: 'shout' });
});

it('refuses the retired `listener` filter with 400 INPUT_INVALID', async () => {
  const login = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'viewer', password: 'correct horse battery' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const input = encodeURIComponent(JSON.stringify({ listener: 'greeter' }));
  const res = await fetch(`${h.url}/trpc/events.stream?input=${input}`, {
    headers: { cookie, accept: 'text/event-stream' },
  });
  expect(res.status).toBe(400);
  const body = (await res.json()) as {
    error: { data: { engineCode: string; problems: { message: string }[] } };
  };
  expect(body.error.data.engineCode).toBe('INPUT_INVALID');
  expect(body.error.data.problems[0]?.message).toMatch(/listener/);
});

it('pushes engine events and the activity in the same resumable stream', async () => {
  const viewer = await h.client('viewer');
  const items: { id: string; data: StreamItem }[] = [];
  let threadId = '';
  await new Promise<void>((resolve, reject) => {
    const sub = viewer.events.stream.subscribe(
      {},
      {
        onStarted: () => {
          void post(h, greeting(200)).then(async (res) => {
            threadId = ((await res.json()) as { threadId: string }).threadId;
          });
        },
        onData: (envelope) => {
          items.push(envelope);
          const done = items.some(
            (i) =>
              i.data.kind === 'changes' && i.data.events.some((e) => e.event.type === 'thread.completed'),
          );
          const busy = items.some(
            (i) =>
              i.data.kind === 'activity' &&
              i.data.activity.routes.some((r) => r.from === 't' && r.to === 'greeter'),
          );
          if (done && busy) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  const events = items.flatMap((i) => (i.data.kind === 'changes' ? i.data.events.map((e) => e.event) : []));
  expect(events).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'thread.created', threadId }),
      expect.objectContaining({ type: 'thread.completed', threadId }),
      expect.objectContaining({ type: 'listener.state', listener: 'greeter', state: 'processing' }),
    ]),
  );
  const activity = items.findLast((i) => i.data.kind === 'activity')?.data;
  expect(activity).toMatchObject({ kind: 'activity', activity: { listeners: expect.any(Array) as unknown } });
  if (activity?.kind === 'activity')
    expect(activity.activity.listeners.find((l) => l.name === 'greeter')?.received).toBeGreaterThan(0);
  // Each `changes` item moves the position on, so their ids are distinct; activity carries the current
  // position (docs/api.md, "Resuming"). Resuming from the first event's id gives exactly what followed it.
  const position = (id: string): [number, number] => {
    const [, s, e] = id.split('.').map(Number);
    return [s ?? NaN, e ?? NaN];
  };
  const changes = items.filter((i) => i.data.kind === 'changes').map((i) => i.id);
  expect(new Set(changes).size).toBe(changes.length);
  const positions = items.map((i) => position(i.id));
  expect(
    positions.slice(1).every(([s, e], k) => s >= (positions[k]?.[0] ?? 0) && e >= (positions[k]?.[1] ?? 0)),
  ).toBe(true);
  const cut = items.findIndex((i) => i.data.kind === 'changes' && i.data.events.length > 0);
  const rest = units(items.slice(cut + 1).map((i) => i.data));
  const resumed: (RoutedTransition | ConsoleEvent)[] = [];
  await new Promise<void>((resolve, reject) => {
    const sub = viewer.events.stream.subscribe(
      { lastEventId: items[cut]?.id ?? null },
      {
        onData: (envelope) => {
          const { data } = envelope as unknown as { data: StreamItem };
          resumed.push(...units([data]));
          if (resumed.length >= rest.length) {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  // (It may already hold more: what happened since the first subscription ended.)
  expect(resumed.slice(0, rest.length)).toEqual(rest);
});

/** Reads an SSE response until `enough` says so, then drops the connection; returns what came. */
async function readUntil(res: Response, abort: AbortController, enough: (text: string) => boolean) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!enough(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  return text;
}

it('speaks tRPC’s SSE format on the wire, and resumes from a Last-Event-Id header', async () => {
  for (let i = 0; i < 3; i++) expect((await post(h, greeting(100 + i))).status).toBe(202);
  await h.engine.whenQuiet();
  const login = await fetch(`${h.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'viewer', password: 'correct horse battery' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const url = `${h.url}/trpc/events.stream?input=${encodeURIComponent(JSON.stringify({ lastEventId: '0', events: false }))}`;
  const first = new AbortController();
  const res = await fetch(url, { headers: { cookie }, signal: first.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
  const frame = /data: (\{.*\})\nid: (\S+)\n\n\n/g;
  // The first `changes` item, and its id (a `lagged` notice may come first: earlier tests posted a lot).
  const changes = (t: string) =>
    [...t.matchAll(frame)]
      .map(([, data, id]) => ({ item: JSON.parse(data ?? '') as StreamItem, id }))
      .find((f) => f.item.kind === 'changes');
  const text = await readUntil(res, first, (t) => changes(t) !== undefined);
  expect(text.startsWith('event: connected\ndata: {"reconnectAfterInactivityMs":8000}\n\n\n')).toBe(true);
  const { item, id } = changes(text) ?? {};
  if (item?.kind !== 'changes') throw new Error('no changes item');
  const seqs = item.transitions.map((t) => t.seq);
  expect(seqs[0]).toBe(1);
  // The header wins over the input's own `lastEventId`, as with tRPC: the stream goes on after `id`.
  const again = new AbortController();
  const resumed = await fetch(url, { headers: { cookie, 'last-event-id': id ?? '' }, signal: again.signal });
  const next = await readUntil(resumed, again, (t) => changes(t) !== undefined);
  const after = changes(next)?.item;
  if (after?.kind !== 'changes') throw new Error('no changes item');
  expect(after.transitions[0]?.seq).toBe((seqs.at(-1) ?? 0) + 1);
  // With no input at all, as a hand-written client asks: the header alone resumes the stream, and
  // without it the stream starts at the present.
  const bare = `${h.url}/trpc/events.stream`;
  const third = new AbortController();
  const headerOnly = await fetch(bare, {
    headers: { cookie, 'last-event-id': id ?? '' },
    signal: third.signal,
  });
  expect(headerOnly.status).toBe(200);
  const fromHeader = changes(await readUntil(headerOnly, third, (t) => changes(t) !== undefined))?.item;
  if (fromHeader?.kind !== 'changes') throw new Error('no changes item');
  expect(fromHeader.transitions[0]?.seq).toBe((seqs.at(-1) ?? 0) + 1);
  const fourth = new AbortController();
  const none = await fetch(bare, { headers: { cookie }, signal: fourth.signal });
  expect(none.status).toBe(200);
  expect(await readUntil(none, fourth, (t) => t.includes('event: connected'))).toContain('event: connected');
});
