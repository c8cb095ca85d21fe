import { SYSTEM_NS } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { fromEnvelopeRoot } from '../envelope/envelope-path.ts';
import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';

/**
 * Step 7: the payload against each target's compiled XSD (SystemError against the engine's own).
 * Every problem comes back with line and XPath. Listeners sharing one schema validate it once.
 */
export const validatePayload: Step = (m, ctx) => {
  const payload = m.payloadElement;
  if (!payload || !m.targets) return m;
  const system = payload.namespaceUri === SYSTEM_NS;
  // An orchestrator takes its steps' answers as they are: the next step's contract checks them.
  const checked = m.targets.filter(
    (t) => !t.acceptsAnyReply || t.schema.globalElements.includes(m.root ?? ''),
  );
  const schemas = new Set(system ? [ctx.systemSchema] : checked.map((t) => t.schema));
  const problems: Problem[] = [];
  // An engine-built message has no envelope: its root is the payload, named as libxml2 names it.
  const enveloped = m.intake.origin !== 'internal';
  for (const schema of schemas)
    for (const p of schema.validate(payload)) problems.push(enveloped ? fromEnvelopeRoot(p) : p);
  if (problems.length === 0) return m;
  const unique = [...new Map(problems.map((p) => [`${p.line}:${p.path}:${p.message}`, p])).values()];
  const message = `payload does not match its contract: ${unique[0]?.message ?? ''}`;
  return reject(m, { code: 'SCHEMA_VIOLATION', message, problems: unique });
};
