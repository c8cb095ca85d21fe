/**
 * Runs one listener's handler in a worker thread (`isolate: worker`): the main thread sends each
 * delivery, the handler runs here with a context that collects its outputs, and the outputs go back to
 * be sent as if the handler had run in the engine. A handler that loops forever or exhausts its memory
 * takes down only this thread; the main thread terminates it at the run's timeout.
 */
import { parentPort } from 'node:worker_threads';
import type { Handler, HandlerContext } from '../../pump/listener.ts';
import { HandlerError, sendingContext } from '../../pump/sending-context.ts';
import { canonicalToObject } from '../../xml/canonical-to-object.ts';
import type { CanonicalXml } from '../../xml/index.ts';
import type { FromHandlerWorker, ToHandlerWorker, WorkerOutput } from './isolation-protocol.ts';

const port = parentPort;
if (!port) throw new Error('handler-worker.ts runs as a worker thread');
let handler: Handler | undefined;
const post = (m: FromHandlerWorker): void => port.postMessage(m);

port.on('message', (m: ToHandlerWorker) => {
  if (m.type === 'load') void load(m.url, m.exportName);
  else void run(m);
});

async function load(url: string, exportName: string): Promise<void> {
  try {
    const mod = (await import(url)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function')
      throw new Error(`the module has no function export ${JSON.stringify(exportName)}`);
    handler = fn as Handler;
    post({ type: 'loaded' });
  } catch (err) {
    post({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
  }
}

async function run(m: ToHandlerWorker & { type: 'run' }): Promise<void> {
  const outputs: WorkerOutput[] = [];
  const sending = sendingContext(m.ctx.listener, {
    send(kind, to, xml, id) {
      if (typeof xml !== 'string') throw new TypeError(`ctx.${kind}() takes the payload as an XML string`);
      outputs.push({ kind, ...(to === undefined ? {} : { to }), xml, ...(id ? { id } : {}) });
    },
  });
  const ctx: HandlerContext = {
    ...m.ctx,
    payloadXml: m.payloadXml,
    // The main thread terminates this worker at the timeout; nothing here is ever aborted.
    signal: new AbortController().signal,
    ...sending.api,
  };
  try {
    if (!handler) throw new Error('the handler module is not loaded');
    sending.returned(await handler(canonicalToObject(m.payloadXml as CanonicalXml), ctx));
    post({ type: 'done', id: m.id, outputs });
  } catch (err) {
    post({
      type: 'failed',
      id: m.id,
      message: err instanceof Error ? err.message : String(err),
      ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
      retryable: !(err instanceof HandlerError && !err.retryable),
    });
  }
}
