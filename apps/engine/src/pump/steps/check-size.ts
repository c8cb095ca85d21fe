import { reject } from '../pipeline-message.ts';
import type { Step } from '../pipeline-message.ts';

/** Step 1: refuses input over `maxMessageBytes` before any parser sees it. */
export const checkSize: Step = (m, ctx) => {
  const raw = m.intake.raw;
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size <= ctx.maxBytes) return m;
  const message = `message is ${size} bytes; the limit is ${ctx.maxBytes}`;
  return reject(m, { code: 'PAYLOAD_TOO_LARGE', message, problems: [{ message }] });
};
