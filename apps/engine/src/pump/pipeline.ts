import type { PipelineContext, PipelineMessage, Step, Intake } from './pipeline-message.ts';
import { checkSize } from './steps/check-size.ts';
import { parse } from './steps/parse.ts';
import { checkEnvelope } from './steps/check-envelope.ts';
import { checkSender } from './steps/check-sender.ts';
import { canonicalize } from './steps/canonicalize.ts';
import { route } from './steps/route.ts';
import { validatePayload } from './steps/validate-payload.ts';
import { filterTargets } from './steps/filter-targets.ts';

/** The steps in order; see README.md beside this file. Journal and dispatch follow in the pump. */
export const STEPS: readonly Step[] = [
  checkSize,
  parse,
  canonicalize,
  checkEnvelope,
  checkSender,
  route,
  validatePayload,
  filterTargets,
];

/**
 * Runs `intake` through every step until one fails. The parsed document lives only inside this call:
 * it is disposed before returning, so the result holds plain strings and listener references.
 */
export function runPipeline(intake: Intake, ctx: PipelineContext): PipelineMessage {
  let m: PipelineMessage = { intake, diagnostics: [] };
  try {
    for (const step of STEPS) {
      m = step(m, ctx);
      if (m.error) break;
    }
  } finally {
    m.doc?.dispose();
    m.doc = undefined;
    m.payloadElement = undefined;
  }
  return m;
}
