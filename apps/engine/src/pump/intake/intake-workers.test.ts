import { afterEach, describe, expect, it } from 'vitest';
import { qname } from '@organism/shared';
import type { Log } from '@organism/shared';
import { envelope, makePump } from '../../../test/support/pump-harness.ts';
import type { Harness } from '../../../test/support/pump-harness.ts';
import { routedOnly } from '../listener.ts';
import { RoutingTable } from '../routing-table.ts';
import { IntakeWorkers } from './intake-workers.ts';

let h: Harness | undefined;
afterEach(() => h?.dispose());

describe('intake workers', () => {
  it('route against the listeners of the last reload', async () => {
    h = makePump(
      [
        { name: 'first', root: 'job', handler: () => undefined },
        { name: 'second', root: 'task', handler: () => undefined },
      ],
      {},
      { intakeWorkers: 1, intakeAlways: true },
    );
    await h.pump.whenIntakeReady();
    expect((await h.pump.submit(envelope('<job/>', { from: 'c', to: 'first' }))).ok).toBe(true);
    const second = h.pump.listeners.get('second');
    if (!second) throw new Error('setup');
    h.pump.replaceListeners([second]);
    // Routed by the worker, against the new table: `first` is gone, `second` stays.
    const gone = await h.pump.submit(envelope('<job/>', { from: 'c', to: 'first' }));
    expect(gone.ok ? 'accepted' : gone.error.code).toBe('UNKNOWN_ROUTE');
    expect((await h.pump.submit(envelope('<task/>', { from: 'c', to: 'second' }))).ok).toBe(true);
    expect(h.pump.intakeHandled).toBe(3);
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['first<-c:job', 'second<-c:task']);
  });

  it("run handlers' outputs too: a forward goes on, an output its contract refuses fails the run", async () => {
    h = makePump(
      [
        {
          name: 'front',
          root: 'job',
          // The SystemError that comes back when `back` fails ends the thread here.
          handler: (_, ctx) => {
            if (!ctx.root.endsWith('SystemError')) ctx.forward('back', '<task n="1"/>');
          },
        },
        {
          name: 'back',
          root: 'task',
          xsd: `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="task"><xs:complexType><xs:attribute name="n" type="xs:int" use="required"/></xs:complexType></xs:element></xs:schema>`,
          handler: (_, ctx) => ctx.forward('back', '<task n="not a number"/>'),
        },
      ],
      {},
      { intakeWorkers: 1, intakeAlways: true },
    );
    await h.pump.whenIntakeReady();
    expect((await h.pump.submit(envelope('<job/>', { from: 'c', to: 'front' }))).ok).toBe(true);
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual([
      'front<-c:job',
      'back<-front:task',
      'front<-back:{https://xml-pipeline.org/ns/system/v1}SystemError',
    ]);
    expect(h.rec.failed.map((f) => [f.delivery.to, f.failure.code])).toEqual([['back', 'INVALID_REPLY']]);
    expect(h.rec.rejected.at(-1)?.error.code).toBe('SCHEMA_VIOLATION');
    // The message from outside, both outputs and the SystemError went through the worker.
    expect(h.pump.intakeHandled).toBe(4);
  });

  it('take messages that arrive together; one that arrives alone runs on the main thread at once', async () => {
    h = makePump([{ name: 'first', root: 'job', handler: () => undefined }], {}, { intakeWorkers: 1 });
    await h.pump.whenIntakeReady();
    const send = (): Promise<unknown> =>
      h?.pump.submit(envelope('<job/>', { from: 'c', to: 'first' })) ?? Promise.resolve();
    // One at a time, each in a turn of the event loop of its own (as a quiet organism's messages come).
    for (let i = 0; i < 5; i++) {
      await send();
      await new Promise((r) => setImmediate(r));
    }
    expect(h.pump.intakeHandled).toBe(0);
    await Promise.all(Array.from({ length: 50 }, send));
    expect(h.pump.intakeHandled).toBe(49);
    await h.pump.whenQuiet();
    expect(h.rec.trail).toHaveLength(55);
  });

  it('hand every message back to the main thread once a worker is lost, and say so', async () => {
    const errors: string[] = [];
    const log: Log = {
      error: (_, msg) => errors.push(msg),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    };
    // A contract the worker cannot compile from the bytes it is given: it reports itself broken.
    const file = '/organism/broken.xsd';
    const schema = {
      file,
      targetNamespace: '',
      globalElements: [],
      files: [file],
      sources: new Map([[file, new TextEncoder().encode('<not a schema')]]),
      validate: () => [],
    };
    const broken = routedOnly('broken', schema, [qname('', 'job')]);
    const workers = new IntakeWorkers(1, new RoutingTable([broken]), { maxBytes: 1024, maxDepth: 10 }, log);
    await workers.whenReady();
    expect(errors).toEqual(['an intake worker failed; messages are parsed and validated on the main thread']);
    await expect(workers.run({ origin: 'external', raw: envelope('<job/>') })).resolves.toBeUndefined();
    expect(workers.handled).toBe(0);
    await workers.close();
  });
});
