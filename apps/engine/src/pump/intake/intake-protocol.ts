import type { QName } from '@organism/shared';
import type { Listener } from '../listener.ts';
import type { Intake, PipelineMessage } from '../pipeline-message.ts';
import type { RoutingTable } from '../routing-table.ts';

/**
 * What an intake worker needs of the routing table to run the pipeline as the pump would: each
 * listener's name, roots, filter (as written) and compiled contract (as the bytes it was compiled from),
 * and the limits.
 */
export interface RoutingSnapshot {
  version: number;
  maxBytes: number;
  maxDepth: number;
  listeners: {
    name: string;
    roots: readonly QName[];
    schemaFile: string;
    filter?: string;
    acceptsAnyReply?: boolean;
  }[];
  /** Every schema file any listener's contract was compiled from, by absolute path. */
  sources: [string, Uint8Array][];
}

export interface IntakeRequest {
  id: number;
  /** A message from outside, or a handler's output the pump addressed. */
  intake: Intake;
}

/**
 * A pipeline run's outcome as plain data: the message without its intake (the pump has it) and its
 * parsed document (freed in the worker), its targets by name.
 */
export type IntakeOutcome = Omit<
  PipelineMessage,
  'intake' | 'doc' | 'payloadElement' | 'canonical' | 'targets'
> & {
  id: number;
  /** The routing snapshot it was routed against. */
  version: number;
  targets?: string[];
};

export type ToWorker =
  { type: 'routing'; snapshot: RoutingSnapshot } | { type: 'run'; requests: IntakeRequest[] };

export type FromWorker =
  /** The routing snapshot of this version is loaded. */
  | { type: 'ready'; version: number }
  | { type: 'done'; outcomes: IntakeOutcome[] }
  /** The snapshot could not be loaded: the worker runs nothing more. */
  | { type: 'broken'; message: string };

export function snapshotOf(
  version: number,
  routing: RoutingTable,
  limits: { maxBytes: number; maxDepth: number },
): RoutingSnapshot {
  const sources = new Map<string, Uint8Array>();
  const listeners = [...routing.listeners()].map((l) => {
    for (const [path, bytes] of l.schema.sources) sources.set(path, bytes);
    return {
      name: l.name,
      roots: l.roots,
      schemaFile: l.schema.file,
      ...(l.filter ? { filter: l.filter.expression } : {}),
      ...(l.acceptsAnyReply ? { acceptsAnyReply: true } : {}),
    };
  });
  return { version, ...limits, listeners, sources: [...sources] };
}

/** The plain outcome of a pipeline run, to send back to the pump. */
export function outcomeOf(id: number, version: number, m: PipelineMessage): IntakeOutcome {
  const { intake: _intake, doc: _doc, payloadElement: _el, canonical: _c, targets, ...rest } = m;
  return { ...rest, id, version, ...(targets ? { targets: targets.map((t) => t.name) } : {}) };
}

/**
 * The pump's message for an outcome the worker sent, its targets taken from `routing`; undefined when a
 * target is not in it (a reload came between): the pump then runs the pipeline itself.
 */
export function messageOf(
  o: IntakeOutcome,
  intake: Intake,
  routing: RoutingTable,
): PipelineMessage | undefined {
  let targets: Listener[] | undefined;
  if (o.targets) {
    targets = [];
    for (const name of o.targets) {
      const t = routing.get(name);
      if (!t) return undefined;
      targets.push(t);
    }
  }
  const { id: _id, version: _version, targets: _names, ...rest } = o;
  return { ...rest, intake, ...(targets ? { targets } : {}) };
}
