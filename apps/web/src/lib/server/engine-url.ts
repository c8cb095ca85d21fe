/** Where the console finds its engine when `ORGANISM_ENGINE_URL` is not set: the demo's. */
export const DEFAULT_ENGINE_URL = 'http://127.0.0.1:7070';

/**
 * One engine's URL as `ORGANISM_ENGINE_URL` gives it: an http(s) URL, with a path when the engine sits
 * behind a reverse proxy under one. Anything else is refused with what was given and an example.
 */
export function parseEngineUrl(value: string): URL {
  const given = value.trim();
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new Error(`ORGANISM_ENGINE_URL is not a URL: "${given}" (for example ${DEFAULT_ENGINE_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`ORGANISM_ENGINE_URL must be http:// or https://, not ${url.protocol}// ("${given}")`);
  if (url.username || url.password || url.search || url.hash)
    throw new Error(
      `ORGANISM_ENGINE_URL must name only the engine's address and path, without credentials, query or fragment ("${given}")`,
    );
  return url;
}

/**
 * The engines this console serves, from `ORGANISM_ENGINE_URL` as the server runs (never baked in by
 * `next build`, so one build serves any engine): one URL, or several separated by commas for engines
 * that share a PostgreSQL journal, which the console fails over between (lib/server/engine-proxy.ts).
 */
export function parseEngineUrls(value: string | undefined): URL[] {
  if (!value?.trim()) return [parseEngineUrl(DEFAULT_ENGINE_URL)];
  const parts = value.split(',');
  if (parts.some((p) => !p.trim()))
    throw new Error(`ORGANISM_ENGINE_URL has an empty entry: "${value}" (URLs separated by commas)`);
  return parts.map(parseEngineUrl);
}

let engines: URL[] | undefined;

/** `parseEngineUrls` of this process's environment, parsed once. */
export function engineUrls(): URL[] {
  engines ??= parseEngineUrls(process.env.ORGANISM_ENGINE_URL);
  return engines;
}

/** `path` (which starts with `/`) on the engine, under the engine URL's own path if it has one. */
export function onEngine(engine: URL, path: string): URL {
  return new URL(`${engine.pathname.replace(/\/+$/, '')}${path}`, engine.origin);
}
