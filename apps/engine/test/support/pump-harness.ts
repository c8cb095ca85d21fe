import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVELOPE_NS, qname } from '@organism/shared';
import type { EngineEvent } from '@organism/shared';
import { XsdRegistry, escapeText } from '../../src/xml/index.ts';
import { MessagePump } from '../../src/pump/message-pump.ts';
import type { PumpLimits } from '../../src/pump/message-pump.ts';
import type { Handler, Listener } from '../../src/pump/listener.ts';
import { compileSystemSchemas } from '../../src/pump/system/system-schemas.ts';
import { bootListener } from '../../src/pump/system/boot-listener.ts';
import { SYSTEM_ERROR_ROOT } from '../../src/pump/system/system-payloads.ts';
import type { Delivery, DispatchFailure } from '../../src/pump/delivery.ts';
import type { DispatchHooks, Rejection } from '../../src/pump/dispatch-hooks.ts';

export interface TestListener {
  name: string;
  /** The XSD text; defaults to one global element named after `root`. */
  xsd?: string;
  root: string;
  handler: Handler;
  /** The listener's `filter` (XPath over the payload). */
  filter?: string;
  agent?: boolean;
  peers?: string[];
  timeoutMs?: number;
  concurrency?: number;
  maxAttempts?: number;
}

/** An XSD accepting `<root>` with any content, plus optional extra global elements (expected replies). */
export function looseXsd(root: string, ...extra: string[]): string {
  const el = (n: string): string =>
    `<xs:element name="${n}"><xs:complexType mixed="true"><xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence><xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>`;
  return `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">${[root, ...extra].map(el).join('')}</xs:schema>`;
}

/** What a test can observe: every hook call and every event, in order. */
export class Recorder implements DispatchHooks {
  intents: Delivery[] = [];
  dispatched: Delivery[] = [];
  acked: { delivery: Delivery; outputs: readonly Delivery[] }[] = [];
  failed: { delivery: Delivery; failure: DispatchFailure; retryAt?: number; outputs: readonly Delivery[] }[] =
    [];
  rejected: Rejection[] = [];
  threads: { threadId: string; outcome: string }[] = [];
  events: EngineEvent[] = [];

  onIntent(ds: readonly Delivery[]): void {
    this.intents.push(...ds.map((d) => ({ ...d })));
  }
  onDispatched(d: Delivery): void {
    this.dispatched.push({ ...d });
  }
  onAcknowledged(delivery: Delivery, outputs: readonly Delivery[]): void {
    this.acked.push({ delivery: { ...delivery }, outputs });
  }
  onFailed(
    delivery: Delivery,
    failure: DispatchFailure,
    o: { retryAt?: number; outputs: readonly Delivery[] },
  ): void {
    this.failed.push({
      delivery: { ...delivery },
      failure,
      outputs: o.outputs,
      ...(o.retryAt ? { retryAt: o.retryAt } : {}),
    });
  }
  onRejected(r: Rejection): void {
    this.rejected.push(r);
  }
  onThreadComplete(threadId: string, outcome: string): void {
    this.threads.push({ threadId, outcome });
  }
  /** Every delivery that reached a listener's handler, as `to<-from:root`. */
  get trail(): string[] {
    return this.dispatched.map((d) => `${d.to}<-${d.from}:${d.root}`);
  }
}

export interface Harness {
  pump: MessagePump;
  rec: Recorder;
  dispose(): void;
}

/** A real pump with real compiled schemas (written to a temp folder) and a recorder attached. */
export function makePump(
  listeners: TestListener[],
  limits: Partial<PumpLimits> = {},
  opts: { intakeWorkers?: number; intakeAlways?: boolean } = {},
): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'organism-pump-'));
  const registry = new XsdRegistry(dir);
  const system = compileSystemSchemas();
  const built: Listener[] = listeners.map((t) => {
    const file = join(dir, `${t.name}.xsd`);
    writeFileSync(file, t.xsd ?? looseXsd(t.root));
    const out = registry.compile(file);
    if (!out.ok) throw new Error(`test schema for ${t.name}: ${JSON.stringify(out.problems)}`);
    const filter = t.filter === undefined ? undefined : registry.compileFilter(t.filter);
    if (filter && !filter.ok) throw new Error(`test filter for ${t.name}: ${filter.message}`);
    return {
      name: t.name,
      description: t.name,
      schema: out.schema,
      roots: [t.root.startsWith('{') ? t.root : qname(out.schema.targetNamespace, t.root)],
      ...(filter ? { filter: filter.xpath } : {}),
      handler: t.handler,
      agent: t.agent ?? false,
      peers: t.peers ?? [],
      timeoutMs: t.timeoutMs ?? 2_000,
      concurrency: t.concurrency ?? 4,
      retry: { maxAttempts: t.maxAttempts ?? 1, initialDelayMs: 5, maxDelayMs: 20 },
    };
  });
  const pump = new MessagePump({
    organism: 'test',
    listeners: [bootListener(system.system), ...built],
    limits: {
      maxConcurrency: 16,
      queueSize: 1000,
      maxDepth: 50,
      maxHopsPerThread: 1000,
      maxMessageBytes: 64 * 1024,
      ...limits,
    },
    envelopeSchema: system.envelope,
    systemSchema: system.system,
    ...opts,
  });
  const rec = new Recorder();
  pump.addHooks(rec);
  pump.events.on('*', (e) => rec.events.push(e));
  return {
    pump,
    rec,
    dispose: () => {
      pump.stop();
      registry.dispose();
      system.registry.dispose();
    },
  };
}

/** An envelope around `payload` (trusted test markup); meta values are escaped. */
export function envelope(
  payload: string,
  meta: { from?: string; to?: string; thread?: string } = { from: 'client' },
): string {
  const field = (name: string, v: string | undefined): string =>
    v === undefined ? '' : `<e:${name}>${escapeText(v)}</e:${name}>`;
  // A prefix for the envelope, so a payload without a namespace does not inherit the envelope's.
  return `<e:message xmlns:e="${ENVELOPE_NS}"><e:meta>${field('from', meta.from)}${field('to', meta.to)}${field('thread', meta.thread)}</e:meta>${payload}</e:message>`;
}

/** The codes of the SystemErrors dispatched to `name`, in order. */
export function errorCodesTo(h: Harness, name: string): string[] {
  return h.rec.dispatched
    .filter((d) => d.to === name && d.root === SYSTEM_ERROR_ROOT)
    .map((d) => /<code>(\w+)<\/code>/.exec(d.payloadXml)?.[1] ?? '');
}
