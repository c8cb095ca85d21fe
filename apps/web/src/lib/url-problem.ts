/**
 * What is wrong with a download's URL (an export's), or undefined when nothing is: a key it does not know, a
 * key given twice, or a value its parser refuses. A loader would drop each of them silently (or keep one of
 * the two), and the download would hold more than the page showed: a route answers 400 with this instead.
 */
export function urlProblem(
  params: URLSearchParams,
  parsers: Readonly<Record<string, { parse: (value: string) => unknown }>>,
): string | undefined {
  const seen = new Set<string>();
  for (const [key, value] of params) {
    const parser = parsers[key];
    if (!parser) return `unknown parameter ${key}: the export takes ${Object.keys(parsers).join(', ')}`;
    if (seen.has(key)) return `${key}: given more than once; the export takes one`;
    seen.add(key);
    if (parser.parse(value) === null) return `${key}: ${JSON.stringify(value)} is not a valid value`;
  }
  return undefined;
}

/** A route's 400 for `urlProblem`'s sentence. */
export function urlRefusal(problem: string): Response {
  return new Response(`${problem}\n`, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}
