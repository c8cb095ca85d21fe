import { parentPort } from 'node:worker_threads';
import { PayloadXPath, XPathTooCostly } from './payload-xpath.ts';
import type { XPathAnswer, XPathRequest } from './xpath-workers.ts';

/**
 * A worker of `XPathWorkers`: evaluates an expression on a batch of payloads with libxml2-wasm's own
 * instance in this thread, the step bound of `PayloadXPath` on each, and answers what matched and the
 * steps taken. The expression is compiled once for the batches that follow with the same one.
 */
let current: { expression: string; xpath: PayloadXPath } | undefined;

function answer(a: XPathAnswer): void {
  parentPort?.postMessage(a);
}

parentPort?.on('message', ({ id, expression, payloads }: XPathRequest) => {
  if (current?.expression !== expression) {
    current?.xpath.dispose();
    current = undefined;
    const compiled = PayloadXPath.compile(expression);
    if (!compiled.ok) return answer({ id, ok: false, costly: false, message: compiled.message });
    current = { expression, xpath: compiled.xpath };
  }
  const { xpath } = current;
  const before = xpath.spent;
  const matches: (string | null)[] = [];
  try {
    for (const payload of payloads) matches.push(xpath.test(payload));
  } catch (err) {
    const costly = err instanceof XPathTooCostly;
    return answer({ id, ok: false, costly, message: err instanceof Error ? err.message : String(err) });
  }
  answer({ id, ok: true, matches, steps: xpath.spent - before });
});

answer({ id: 0, ready: true });
