import { parseUntrusted } from '../../xml/index.ts';
import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';

/** Step 2: hardened parse (no DTD, no entities, no network, depth and size limits). */
export const parse: Step = (m, ctx) => {
  const outcome = parseUntrusted(m.intake.raw, { maxBytes: ctx.maxBytes });
  if (!outcome.ok)
    return reject(m, { code: outcome.code, message: outcome.message, problems: outcome.problems });
  m.doc = outcome.doc;
  return m;
};
