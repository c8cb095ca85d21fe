import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE_NS } from '@organism/shared';
import { post, startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const greeting = (from: string): string =>
  `<message xmlns="${ENVELOPE_NS}"><meta><from>${from}</from><to>greeter</to></meta><greeting xmlns=""><name>Ada</name></greeting></message>`;

describe('API tokens bound to producer names', () => {
  it('lets a bound token send only as its names, with 403 and the names otherwise', async () => {
    const admin = await h.client('admin');
    const { token } = await admin.users.createToken.mutate({
      name: 'billing',
      producers: ['billing', 'console:Jane Doe'],
    });
    const tokens = await admin.users.tokens.query();
    expect(tokens.find((t) => t.name === 'billing')?.producers).toEqual(['billing', 'console:Jane Doe']);
    const as = (from: string): Promise<Response> => post({ url: h.url, token }, greeting(from));

    expect((await as('billing')).status).toBe(202);
    expect((await as('console:Jane Doe')).status).toBe(202);
    const other = await as('shipping');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({
      error: {
        code: 'FORBIDDEN',
        message:
          'this API token may send only as "billing", "console:Jane Doe"; the envelope is from "shipping"',
        problems: [{ path: '/*/*[1]/*[1]', line: 1 }],
      },
    });
    await h.engine.whenQuiet();
  });

  it('lets an unbound token send as any name that is not a listener’s or the engine’s', async () => {
    expect((await post(h, greeting('shipping'))).status).toBe(202);
    for (const reserved of ['greeter', 'system', 'system.boot']) {
      const res = await post(h, greeting(reserved));
      expect(res.status, reserved).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'SENDER_RESERVED' } });
    }
    await h.engine.whenQuiet();
  });

  it('refuses to bind a token to a listener’s or the engine’s name, at that item of producers', async () => {
    const admin = await h.client('admin');
    const refused = await admin.users.createToken
      .mutate({ name: 'impostor', producers: ['shop', 'greeter'] })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TRPCClientError);
    const listenerMessage =
      'greeter is a listener of this organism: a producer may not send as a listener (SENDER_RESERVED)';
    expect(refused).toMatchObject({
      message: `invalid input: producers[1]: ${listenerMessage}`,
      data: {
        httpStatus: 400,
        engineCode: 'INPUT_INVALID',
        problems: [{ path: 'producers[1]', message: listenerMessage }],
      },
    });
    const system = await admin.users.createToken
      .mutate({ name: 'impostor', producers: ['system.boot'] })
      .catch((err: unknown) => err);
    expect(system).toMatchObject({
      data: {
        httpStatus: 400,
        engineCode: 'INPUT_INVALID',
        problems: [
          {
            path: 'producers[0]',
            message:
              'system.boot is reserved for the engine: a producer may not send as system or system.* (SENDER_RESERVED)',
          },
        ],
      },
    });
    expect((await admin.users.tokens.query()).map((t) => t.name)).not.toContain('impostor');
  });

  it('audits the names a token was bound to', async () => {
    const admin = await h.client('admin');
    await admin.users.createToken.mutate({ name: 'audited', producers: ['ledger'] });
    const log = await admin.audit.list.query({ action: 'token.create', limit: 10 });
    expect(log.items.find((e) => e.target === 'audited')?.detail).toBe('{"producers":["ledger"]}');
  });
});
