import { canonicalizeElement, childElements, parseUntrusted } from '../../xml/index.ts';
import type { XmlElement } from '../../xml/index.ts';

// The readers of system messages (their writers are system-payloads.ts): the orchestrator's, and an
// agent's peer check (handler-run.ts).

/**
 * What a SequenceStart asks. The orchestrator reads a start validated against system.xsd; an agent's
 * peer check reads one before (handler-run.ts), and leaves one it cannot read to the pipeline, which
 * refuses it.
 */
export interface SequenceSpec {
  steps: string[];
  payloadXml: string;
  returnTo: string;
  stepTimeoutMs: number;
}

/** What a BufferStart asks. */
export interface BufferSpec {
  target: string;
  items: string[];
  collect: boolean;
  concurrency: number;
  returnTo: string;
  timeoutMs: number;
}

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
export const DEFAULT_BUFFER_TIMEOUT_MS = 60_000;
const MAX_BYTES = 64 * 1024 * 1024;

/** The element children of the root, by local name (the schema has fixed their order and count). */
function withRoot<T>(xml: string, read: (children: Map<string, XmlElement[]>) => T): T {
  const parsed = parseUntrusted(xml, { maxBytes: MAX_BYTES });
  if (!parsed.ok) throw new Error(`unreadable orchestration message: ${parsed.message}`);
  try {
    const root = parsed.doc.root;
    const children = new Map<string, XmlElement[]>();
    for (const c of childElements(root)) children.set(c.name, [...(children.get(c.name) ?? []), c]);
    return read(children);
  } finally {
    parsed.doc.dispose();
  }
}

const text = (el: XmlElement | undefined): string => el?.content.trim() ?? '';
/** The one element a Carried type holds, canonical (its namespaces declared on it). */
const carried = (el: XmlElement | undefined): string => {
  const inner = el ? childElements(el)[0] : undefined;
  if (!inner) throw new Error('no payload element');
  return canonicalizeElement(inner);
};

export function readSequenceStart(xml: string): SequenceSpec {
  return withRoot(xml, (c) => ({
    steps: childElements(c.get('steps')?.[0] as XmlElement).map((step) => text(step)),
    payloadXml: carried(c.get('payload')?.[0]),
    returnTo: text(c.get('returnTo')?.[0]),
    stepTimeoutMs: Number(text(c.get('stepTimeoutMs')?.[0]) || DEFAULT_STEP_TIMEOUT_MS),
  }));
}

export function readBufferStart(xml: string): BufferSpec {
  return withRoot(xml, (c) => {
    const items = childElements(c.get('items')?.[0] as XmlElement).map((i) => carried(i));
    return {
      target: text(c.get('target')?.[0]),
      items,
      collect: ['true', '1'].includes(text(c.get('collect')?.[0])),
      concurrency: Math.max(1, Number(text(c.get('concurrency')?.[0]) || items.length)),
      returnTo: text(c.get('returnTo')?.[0]),
      timeoutMs: Number(text(c.get('timeoutMs')?.[0]) || DEFAULT_BUFFER_TIMEOUT_MS),
    };
  });
}

/** The `message` of a SystemError payload (what a failed step or item answered). */
export function systemErrorMessage(xml: string): string {
  return withRoot(xml, (c) => `${text(c.get('code')?.[0])}: ${text(c.get('message')?.[0])}`);
}
