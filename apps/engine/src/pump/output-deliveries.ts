import type { MessageId } from '@organism/shared';
import type { Delivery, DeliveryKind, DispatchFailure } from './delivery.ts';
import type { Output } from './sending-context.ts';
import { newMessageId } from './message-id.ts';
import type { Intake, PipelineMessage } from './pipeline-message.ts';
import type { RoutingTable } from './routing-table.ts';

/** The deliveries a message that passed the pipeline becomes: one per target, or one egress record. */
export function deliveriesOf(m: PipelineMessage, kind: DeliveryKind): Delivery[] {
  if (!addressed(m)) throw new Error('pipeline finished without addressing');
  const intake = m.intake.origin === 'internal' ? m.intake : undefined;
  const createdAt = Date.now();
  if (intake?.egress) {
    const d = deliveryOf(m, kind, createdAt, newMessageId(), m.to ?? '');
    d.egress = true;
    return [d];
  }
  const targets = m.targets ?? [];
  // An id chosen before (a forward's) names the one delivery a message to one listener becomes.
  const chosen = targets.length === 1 ? intake?.id : undefined;
  return targets.map((t) => deliveryOf(m, kind, createdAt, chosen ?? newMessageId(), t.name));
}

type Addressed = PipelineMessage &
  Required<Pick<PipelineMessage, 'threadId' | 'from' | 'root' | 'payloadXml'>>;

function addressed(m: PipelineMessage): m is Addressed {
  return !!(m.threadId && m.from && m.root && m.payloadXml);
}

/**
 * One delivery of `m`. Built whole, not spread from a common base, and at module level, not as a
 * closure: one is made for every message (CONTRIBUTING.md).
 */
function deliveryOf(
  m: Addressed,
  kind: DeliveryKind,
  createdAt: number,
  id: MessageId,
  to: string,
): Mutable<Delivery> {
  const d: Mutable<Delivery> = {
    id,
    threadId: m.threadId,
    from: m.from,
    to,
    chain: m.chain ?? [],
    root: m.root,
    payloadXml: m.payloadXml,
    kind,
    attempt: 1,
    createdAt,
  };
  const parentId = m.intake.origin === 'internal' ? m.intake.parentId : undefined;
  if (parentId) d.parentId = parentId;
  if (m.envelopeXml) d.envelopeXml = m.envelopeXml;
  return d;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns a handler's outputs into deliveries. A reply goes to the last hop of the chain and drops it
 * (to the outside producer that began the chain: egress); a forward appends the sender. Every output
 * runs the pipeline (`run`: on an intake worker or here); the first one refused, in the handler's
 * order, fails the whole run, so nothing is sent.
 */
export async function buildOutputs(
  d: Delivery,
  outputs: readonly Output[],
  routing: RoutingTable,
  run: (intake: Intake) => Promise<PipelineMessage>,
  onRefused: (m: PipelineMessage) => void,
  kindOverride?: DeliveryKind,
): Promise<{ ok: true; deliveries: Delivery[] } | { ok: false; failure: DispatchFailure }> {
  const runs = outputs.map((o) => {
    const reply = o.kind === 'reply';
    const to = reply ? (d.chain.at(-1) ?? d.from) : o.to;
    const chain = reply ? d.chain.slice(0, -1) : [...d.chain, d.to];
    const egress = reply && to !== undefined && !routing.get(to) && chain.length === 0;
    const kind = kindOverride ?? o.kind;
    const intake: Intake = {
      origin: 'internal',
      raw: o.xml,
      from: d.to,
      to,
      threadId: d.threadId,
      chain,
      kind,
      parentId: d.id,
      egress,
      ...(o.id ? { id: o.id } : {}),
      // The payload it was given is canonical (every delivery's is), and handlers pass it on unchanged often.
      ...(o.xml === d.payloadXml ? { canonical: true as const } : {}),
    };
    const message = run(intake);
    // Those after a refused one are never awaited: a throw there must not go unhandled.
    message.catch(() => undefined);
    return { o, to, kind, message };
  });
  const deliveries: Delivery[] = [];
  for (const { o, to, kind, message } of runs) {
    const m = await message;
    if (m.error) {
      onRefused(m);
      // A forward refused for where it went keeps its code; anything else is an invalid answer.
      const keep =
        m.error.code === 'DEPTH_EXCEEDED' ||
        (o.kind === 'forward' && (m.error.code === 'UNKNOWN_ROUTE' || m.error.code === 'FILTER_REJECTED'));
      const problems = m.error.problems
        .map((p) => `${p.line ?? '?'}:${p.path ?? ''} ${p.message}`)
        .join('; ');
      return {
        ok: false,
        failure: {
          code: keep ? m.error.code : 'INVALID_REPLY',
          message: `the handler's ${o.kind} was refused`,
          detail: `${d.to} ${o.kind} ${to ? `to ${to}` : ''}: ${m.error.message} (${problems})`,
        },
      };
    }
    deliveries.push(...deliveriesOf(m, kind));
  }
  return { ok: true, deliveries };
}
