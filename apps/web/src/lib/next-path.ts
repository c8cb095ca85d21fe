/**
 * Where sign-in goes after it succeeds: `next` when it is a path of this console, else the overview.
 * Never another site: not `//host` or `/\host`, nor a path with a control character, which the URL
 * parser strips (`/<tab>/host` is `//host` to it), nor one whose dot segments leave `//host` (`/.//host`),
 * nor anything that resolves to another origin.
 */
export function nextPath(next: string | null, origin: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  // Dot segments resolve away: `/.//host` is the path `//host`, which a router reads as another site.
  if (url.origin !== origin || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
