/**
 * An intake worker: runs the pipeline (parse, canonicalize, envelope, sender, route, validate) for
 * messages from outside and handlers' outputs on its own thread, with its own libxml2, against a copy of the pump's routing
 * table, and sends back each outcome as plain data. Started by IntakeWorkers through intake-worker.mjs.
 */
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { ThreadId } from '@organism/shared';
import { XsdRegistry } from '../../xml/index.ts';
import { routedOnly } from '../listener.ts';
import { runPipeline } from '../pipeline.ts';
import type { PipelineContext } from '../pipeline-message.ts';
import { RoutingTable } from '../routing-table.ts';
import { compileSystemSchemas } from '../system/system-schemas.ts';
import { outcomeOf } from './intake-protocol.ts';
import type { FromWorker, RoutingSnapshot, ToWorker } from './intake-protocol.ts';

const port = parentPort;
if (!port) throw new Error('intake-worker.ts runs as a worker thread');
const system = compileSystemSchemas();
let current: { version: number; ctx: PipelineContext; registry: XsdRegistry } | undefined;
let broken = false;

/** Listeners as the steps need them: name, roots and contract. They never run here. */
function load(snapshot: RoutingSnapshot): void {
  const registry = new XsdRegistry('/', new Map(snapshot.sources));
  const listeners = snapshot.listeners.map((l) => {
    const compiled = registry.compile(l.schemaFile);
    if (!compiled.ok) throw new Error(`${l.name}: ${compiled.problems.map((p) => p.message).join('; ')}`);
    const filter = l.filter === undefined ? undefined : registry.compileFilter(l.filter);
    if (filter && !filter.ok) throw new Error(`${l.name}: ${filter.message}`);
    return routedOnly(l.name, compiled.schema, l.roots, filter?.xpath, l.acceptsAnyReply === true);
  });
  const previous = current;
  current = {
    version: snapshot.version,
    registry,
    ctx: {
      maxBytes: snapshot.maxBytes,
      maxDepth: snapshot.maxDepth,
      routing: new RoutingTable(listeners),
      envelopeSchema: system.envelope,
      systemSchema: system.system,
      newThreadId: () => randomUUID() as ThreadId,
    },
  };
  previous?.registry.dispose();
}

const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'routing') {
    try {
      load(message.snapshot);
      send({ type: 'ready', version: message.snapshot.version });
    } catch (err) {
      broken = true;
      send({ type: 'broken', message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (broken || !current) return;
  const { version, ctx } = current;
  const outcomes = message.requests.map((r) => {
    return outcomeOf(r.id, version, runPipeline(r.intake, ctx));
  });
  send({ type: 'done', outcomes });
});
