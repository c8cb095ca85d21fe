import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/envelopes/${name}`, import.meta.url), 'utf8');

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('POST /messages', () => {
  it('accepts an envelope with 202 and its ids, once journaled', async () => {
    const res = await post(h, fixture('valid-greeting.xml'));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { messageId: string; threadId: string };
    expect(body.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const entry = await h.journal.getMessage(body.messageId);
    expect(entry).toMatchObject({ threadId: body.threadId, to: 'greeter' });
  });

  it('answers 400 with every problem for malformed and invalid input', async () => {
    const malformed = await post(h, fixture('malformed-unclosed.xml'));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { code: 'MALFORMED_XML', problems: [{ line: expect.any(Number) as number }] },
    });
    const invalid = await post(h, fixture('schema-violation.xml'));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { code: 'SCHEMA_VIOLATION', problems: [{ line: 3, path: '/*/greeting/nom' }] },
    });
    const unknown = await post(h, fixture('unknown-route.xml'));
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_ROUTE' } });
  });

  it('answers 413 over the size limit without reading it all', async () => {
    const big = fixture('valid-greeting.xml').replace('Ada', 'A'.repeat(300 * 1024));
    const res = await post(h, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers 415 for a content type that is not XML', async () => {
    const res = await post(h, fixture('valid-greeting.xml'), { 'content-type': 'application/json' });
    expect(res.status).toBe(415);
  });

  it('answers 401 without a token and with a bad or revoked one, saying which (RFC 6750)', async () => {
    const none = await post(h, fixture('valid-greeting.xml'), { authorization: '' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await post(h, fixture('valid-greeting.xml'), { authorization: 'Bearer org_nope' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.message).toContain('revoked');
    const { token, id } = await h.store.createToken('short-lived', 'admin');
    expect((await post({ url: h.url, token }, fixture('valid-greeting.xml'))).status).toBe(202);
    await h.store.revokeToken(id);
    expect((await post({ url: h.url, token }, fixture('valid-greeting.xml'))).status).toBe(401);
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', organism: 'demo' });
    await h.engine.whenQuiet();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/organism_journal_entries\{state="ACKED"\} \d+/);
    expect(metrics).toMatch(/organism_dispatch_latency_seconds_bucket/);
    expect(metrics).toMatch(/organism_queue_depth \d+/);
    expect(metrics).toMatch(
      /organism_listener_deliveries_total\{listener="greeter",outcome="dispatched"\} \d+/,
    );
    expect(metrics).toMatch(/organism_journal_bytes \d+/);
  });

  it('answers 503 with Retry-After while draining, and closes the connection it will not serve again', async () => {
    const other = await startHarness();
    const draining = other.engine.drain(1_000);
    const res = await post(other, fixture('valid-greeting.xml'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('connection')).toBe('close');
    expect((await fetch(`${other.url}/healthz`)).status).toBe(503);
    await draining;
    await other.server.close();
    await other.engine.close();
  });
});
