import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineErrorCode } from '@organism/shared';
import type { Engine } from '../engine.ts';
import { closeAfterAnswer } from './lingering-close.ts';
import { readBody } from './read-body.ts';
import { sendJson } from './send-json.ts';

/**
 * Checks a producer's bearer token; resolves to the token (its name and the producer names it is bound
 * to, null for any), or undefined when it is not valid.
 */
export type TokenCheck = (
  token: string,
) => Promise<{ name: string; producers: readonly string[] | null } | undefined>;

const XML_TYPES = /^(application|text)\/([\w.+-]+\+)?xml\s*(;|$)/i;
/** Refusals that are not 400: too large, or a sender speaking as a name it may not use. */
const STATUS: Partial<Record<EngineErrorCode, number>> = {
  PAYLOAD_TOO_LARGE: 413,
  SENDER_RESERVED: 403,
  FORBIDDEN: 403,
};
const UNAVAILABLE: ReadonlySet<EngineErrorCode> = new Set([
  'DRAINING',
  'NOT_RUNNING',
  'QUEUE_FULL',
  'JOURNAL_UNAVAILABLE',
]);

/**
 * `POST /messages`: an envelope in, `202 {messageId, threadId}` out once the journal holds it.
 * 415 wrong content type · 401 no token, or an unknown or revoked one · 403 a `from` the sender may not use (a
 * listener's or `system.*`: SENDER_RESERVED; outside the token's producer names: FORBIDDEN) · 413 over
 * the size limit · 400 with every problem (message, line, column, XPath) · 503 + Retry-After while
 * draining or full, or while the journal (which holds the tokens too) cannot be read or written.
 */
export async function handleIngress(
  req: IncomingMessage,
  res: ServerResponse,
  engine: Engine,
  checkToken: TokenCheck,
): Promise<void> {
  const auth = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (!token) {
    sendJson(
      res,
      401,
      { error: { code: 'UNAUTHORIZED', message: 'an API token is required: Authorization: Bearer <token>' } },
      { 'www-authenticate': 'Bearer' },
    );
    return;
  }
  let granted: Awaited<ReturnType<TokenCheck>>;
  try {
    granted = await checkToken(token);
  } catch (err) {
    // The tokens live in the journal: while it cannot be read, say so as intake does, and when to retry.
    const code = (err as { code?: unknown }).code;
    if (code !== 'JOURNAL_UNAVAILABLE') throw err;
    sendJson(res, 503, { error: { code, message: (err as Error).message } }, { 'retry-after': '5' });
    return;
  }
  if (!granted) {
    // RFC 6750: a token that is unknown or revoked is an authentication failure (401), like none at all;
    // 403 is kept for a valid token sending what it may not.
    sendJson(
      res,
      401,
      { error: { code: 'UNAUTHORIZED', message: 'the API token is not valid or was revoked' } },
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    );
    return;
  }
  const type = req.headers['content-type'] ?? '';
  if (!XML_TYPES.test(type)) {
    sendJson(res, 415, {
      error: {
        code: 'ENVELOPE_INVALID',
        message: `expected Content-Type application/xml, got ${type || 'none'}`,
      },
    });
    return;
  }
  const limit = engine.config.pump.maxMessageBytes;
  const body = await readBody(req, limit);
  if (!body.ok) {
    if (!body.drained) closeAfterAnswer(res);
    sendJson(res, 413, {
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `message is ${body.size} bytes or more; the limit is ${limit}`,
      },
    });
    req.resume();
    return;
  }
  const producers = granted.producers ? { producers: granted.producers } : {};
  const result = await engine.submit(body.body, { wait: false, ...producers });
  if (result.ok) {
    sendJson(res, 202, {
      messageId: result.messageIds[0],
      messageIds: result.messageIds,
      threadId: result.threadId,
    });
    return;
  }
  const { code, message, problems } = result.error;
  if (UNAVAILABLE.has(code)) {
    // An engine that is draining or not running will close its server: the producer's next try goes on
    // a new connection (to another engine behind a balancer), not one cut while it is sent.
    const going = code === 'DRAINING' || code === 'NOT_RUNNING';
    sendJson(
      res,
      503,
      { error: { code, message } },
      { 'retry-after': code === 'QUEUE_FULL' ? '1' : '5', ...(going ? { connection: 'close' } : {}) },
    );
    return;
  }
  sendJson(res, STATUS[code] ?? 400, { error: { code, message, problems } });
}
