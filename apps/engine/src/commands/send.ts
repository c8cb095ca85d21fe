import { readFile } from 'node:fs/promises';
import { ENVELOPE_NS } from '@organism/shared';
import { loadConfigFile } from '../config/index.ts';
import { wrapPayload } from '../pump/envelope/wrap-payload.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

export interface SendOptions {
  to?: string;
  from: string;
  thread?: string;
  url?: string;
  token?: string;
}

/**
 * `organism send --to NAME file.xml`: posts the file to a running engine. A file holding a whole
 * envelope goes as it is; a bare payload is wrapped in one (from `--from`, to `--to`).
 */
export async function send(file: string, configPath: string, opts: SendOptions): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    console.error(`cannot read ${file}: ${whyUnreadable(err)}`);
    return 1;
  }
  let body = text;
  if (!text.includes(ENVELOPE_NS)) {
    const wrapped = wrapPayload(
      {
        from: opts.from,
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.thread ? { thread: opts.thread } : {}),
      },
      text,
      64 * 1024 * 1024,
    );
    if (!wrapped.ok) {
      console.error(`${file}: ${wrapped.error.message}`);
      return 1;
    }
    body = wrapped.xml;
  }
  let url = opts.url;
  if (!url) {
    const cfg = await loadConfigFile(configPath);
    url = cfg.ok ? `http://${cfg.config.server.host}:${cfg.config.server.port}` : 'http://127.0.0.1:7070';
  }
  const token = opts.token ?? process.env.ORGANISM_TOKEN;
  if (!token) {
    console.error(
      'an API token is needed: --token TOKEN or ORGANISM_TOKEN (create one with `organism token create NAME`)',
    );
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
      body,
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    console.error(`cannot reach the engine at ${url} (is it running?): ${cause}`);
    return 1;
  }
  const answer = await res.text();
  console.log(`${res.status} ${answer}`);
  return res.status === 202 ? 0 : 1;
}
