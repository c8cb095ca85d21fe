import { ENVELOPE_NS, isSystemName } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { childElements } from '../../xml/index.ts';
import { reject } from '../pipeline-message.ts';
import type { PipelineMessage, Step } from '../pipeline-message.ts';

/**
 * Step 5: who an outside producer may say it is. Never one of the engine's listeners nor `system` /
 * `system.*` (SENDER_RESERVED): replies would then go to that listener, not back to the producer, and
 * the journal could not tell the two apart. With an API token bound to producer names, only those
 * (FORBIDDEN). Engine-built messages are addressed by the pump and pass.
 */
export const checkSender: Step = (m, ctx) => {
  const from = m.from;
  if (m.intake.origin === 'internal' || from === undefined) return m;
  if (isSystemName(from) || ctx.routing.get(from)) {
    const what = isSystemName(from) ? 'reserved for the engine' : 'the name of a listener of this organism';
    const message = `the envelope is from ${JSON.stringify(from)}, which is ${what}; an outside producer must use a name of its own`;
    return reject(m, { code: 'SENDER_RESERVED', message, problems: [fromProblem(m, message)] });
  }
  const allowed = m.intake.producers;
  if (allowed && !allowed.includes(from)) {
    const names = allowed.map((n) => JSON.stringify(n)).join(', ');
    const message = `this API token may send only as ${names}; the envelope is from ${JSON.stringify(from)}`;
    return reject(m, { code: 'FORBIDDEN', message, problems: [fromProblem(m, message)] });
  }
  return m;
};

/** The problem at `<meta><from>`, which the envelope XSD puts first in `<meta>`. */
function fromProblem(m: PipelineMessage, message: string): Problem {
  const meta = m.doc ? childElements(m.doc.root)[0] : undefined;
  const el = meta && childElements(meta).find((e) => e.name === 'from' && e.namespaceUri === ENVELOPE_NS);
  return { message, path: '/*/*[1]/*[1]', ...(el ? { line: el.line } : {}) };
}
