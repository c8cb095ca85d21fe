import { ENVELOPE_NS, isUuidV4 } from '@organism/shared';
import type { ThreadId } from '@organism/shared';
import {
  canonicalizeElement,
  canonicalLastChild,
  childElements,
  hasStrayText,
  lastElement,
  outerElements,
  plainEnvelopeFields,
  qualifiedName,
} from '../../xml/index.ts';
import type { CanonicalXml, XmlElement } from '../../xml/index.ts';
import { fromEnvelopeMeta } from '../envelope/envelope-path.ts';
import { plainMetaValid } from '../envelope/plain-meta.ts';
import { reject } from '../pipeline-message.ts';
import type { PipelineContext, PipelineMessage, Step } from '../pipeline-message.ts';

/** A field's text, trimmed; undefined when blank. */
const text = (field: string | XmlElement | undefined): string | undefined =>
  (typeof field === 'string' ? field : field?.content)?.trim() || undefined;

/**
 * Step 4: the envelope. Exactly one payload, a `from`, and the envelope XSD. A missing thread id starts
 * a thread; an invalid one does too, and leaves a diagnostic. Elements of other namespaces at the end
 * of `<meta>` (xml-pipeline's signature) are allowed and kept: the envelope is then stored as received.
 * Engine-built messages carry no envelope: their document is the payload and their addressing comes
 * from the pump. A plain envelope (plain-envelope.ts), nearly every one, is read from its canonical
 * text; any other is walked in libxml2's tree, which finds what is wrong and where.
 */
export const checkEnvelope: Step = (m, ctx) => {
  const doc = m.doc;
  if (!doc) return m;
  if (m.intake.origin === 'internal') {
    const { from, to, threadId, chain } = m.intake;
    Object.assign(m, { payloadElement: doc.root, root: qualifiedName(doc.root), from, to, threadId, chain });
    return m;
  }
  const root = doc.root;
  const plain = m.canonical && plainEnvelopeFields(m.canonical, ENVELOPE_NS);
  if (plain && acceptPlain(m, ctx, root, plain)) return m;
  if (root.name !== 'message' || root.namespaceUri !== ENVELOPE_NS) {
    const found = root.namespaceUri ? `{${root.namespaceUri}}${root.name}` : root.name;
    const message = `the document must be an envelope {${ENVELOPE_NS}}message, found ${found}`;
    return reject(m, {
      code: 'ENVELOPE_INVALID',
      message,
      problems: [{ message, line: root.line, path: '/*' }],
    });
  }
  const [meta, ...payloads] = childElements(root);
  if (!meta || meta.name !== 'meta' || meta.namespaceUri !== ENVELOPE_NS) {
    const message = 'the envelope must start with <meta> holding <from>, optional <to> and <thread>';
    return reject(m, {
      code: 'ENVELOPE_INVALID',
      message,
      problems: [{ message, line: (meta ?? root).line }],
    });
  }
  if (payloads.length === 0) {
    const message = 'the envelope carries no payload: exactly one element must follow <meta>';
    return reject(m, { code: 'NO_PAYLOAD', message, problems: [{ message, line: root.line, path: '/*' }] });
  }
  if (payloads.length > 1) {
    const message = `the envelope carries ${payloads.length} payloads; exactly one is allowed`;
    const problems = payloads.map((p, i) => ({
      message: `payload ${i + 1}: <${p.name}>`,
      line: p.line,
      path: `/*/*[${i + 2}]`,
    }));
    return reject(m, { code: 'MULTIPLE_PAYLOADS', message, problems });
  }
  // Only the envelope's own fields address the message: a foreign <x:to> or <x:from> among the extras
  // must not override them.
  const metaChildren = childElements(meta);
  const own = metaChildren.filter((el) => el.namespaceUri === ENVELOPE_NS);
  const fields = new Map(own.map((el) => [el.name, el]));
  const from = text(fields.get('from'));
  if (!from) {
    const message = 'the envelope has no sender: <meta><from> is missing or empty';
    return reject(m, {
      code: 'MISSING_FROM',
      message,
      problems: [{ message, line: meta.line, path: '/*/*[1]' }],
    });
  }
  // <message> itself is checked above and here; validating only <meta> against envelope.xsd keeps the
  // validator from walking the payload twice (its own contract checks it in step 7).
  const problems = ctx.envelopeSchema.validate(meta).map((p) => fromEnvelopeMeta(p, meta));
  if (root.attrs.some((a) => a.namespaceUri === '' || a.namespaceUri === ENVELOPE_NS)) {
    problems.push({ message: '<message> takes no attributes', line: root.line, path: '/*' });
  }
  if (hasStrayText(root))
    problems.push({ message: 'text is not allowed directly inside <message>', line: root.line, path: '/*' });
  if (problems.length > 0) {
    return reject(m, {
      code: 'ENVELOPE_INVALID',
      message: problems[0]?.message ?? 'invalid envelope',
      problems,
    });
  }
  const payload = payloads[0];
  if (!payload || !m.canonical) return m;
  accept(m, ctx, payload, from, fields, own.length < metaChildren.length);
  return m;
};

/**
 * A plain envelope whose `<meta>` the envelope schema finds valid, accepted; false for any other. Its
 * fields tell whether the schema would, nearly always (plain-meta.ts); else the schema is asked.
 */
function acceptPlain(
  m: PipelineMessage,
  ctx: PipelineContext,
  root: XmlElement,
  fields: Map<string, string>,
): boolean {
  const from = text(fields.get('from'));
  if (!from) return false;
  let payload: XmlElement | undefined;
  if (plainMetaValid(fields)) payload = lastElement(root);
  else {
    const children = outerElements(root);
    if (!children || ctx.envelopeSchema.validate(children.first).length > 0) return false;
    payload = children.last;
  }
  if (!payload) return false;
  accept(m, ctx, payload, from, fields, false);
  return true;
}

/** The addressing, thread and payload of an envelope found valid. */
function accept(
  m: PipelineMessage,
  ctx: PipelineContext,
  payload: XmlElement,
  from: string,
  fields: ReadonlyMap<string, string | XmlElement>,
  extras: boolean,
): void {
  const canonical = m.canonical as CanonicalXml;
  m.from = from;
  m.to = text(fields.get('to'));
  m.payloadElement = payload;
  m.root = qualifiedName(payload);
  // Cutting the payload out of the document's canonical text relies on the first `</meta>` closing the
  // envelope's <meta>; foreign elements could hold another one, so then the payload is canonicalized alone.
  m.payloadXml = extras ? canonicalizeElement(payload) : canonicalLastChild(canonical, 'meta', payload);
  if (extras) m.envelopeXml = canonical;
  m.chain = [from];
  assignThread(m, text(fields.get('thread')), () => ctx.newThreadId());
}

function assignThread(m: PipelineMessage, given: string | undefined, newThreadId: () => ThreadId): void {
  if (given && isUuidV4(given)) {
    m.threadId = given.toLowerCase() as ThreadId;
    return;
  }
  m.threadId = newThreadId();
  m.newThread = true;
  if (given)
    m.diagnostics.push(
      `invalid thread id ${JSON.stringify(given.slice(0, 80))}: started thread ${m.threadId}`,
    );
}
