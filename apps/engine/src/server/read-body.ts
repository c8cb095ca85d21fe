import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true; size: number };

/**
 * Reads a request body up to `limit` bytes. Refuses early on a Content-Length over the limit and
 * stops reading as soon as the stream passes it, so an oversized upload never sits in memory.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, tooLarge: true, size: declared };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) return { ok: false, tooLarge: true, size };
    chunks.push(chunk);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}
