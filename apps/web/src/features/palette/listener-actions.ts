import type { Role } from '@organism/shared';
import { searchHref } from '@/features/search/search-filters';
import type { Destination } from './recent';
import { messagesToHref } from '@/lib/hrefs';

const enc = encodeURIComponent;

/**
 * What the palette offers beside a listener it found: the places an operator looks next for it, as its
 * page links them. Only those the role may use (sending needs an operator).
 */
export function listenerActions(name: string, can: (role: Role) => boolean): Destination[] {
  const to = (href: string, label: string): Destination => ({ href, label, kind: 'page' });
  return [
    to(messagesToHref(name), `Messages to ${name}`),
    to(messagesToHref(name, 'FAILED'), `Failed messages to ${name}`),
    to(searchHref({ to: name }), `Search ${name}'s payloads`),
    to(`/map?focus=${enc(name)}`, `${name} on the map`),
    ...(can('operator') ? [to(`/compose?to=${enc(name)}`, `Send a message to ${name}`)] : []),
  ];
}

/**
 * The listener the palette's text names: the one whose name it is, or the only one whose name holds it.
 * Its follow-ons are offered only then, so that a short query does not fill the list with them.
 */
export function namedListener(needle: string, names: readonly string[]): string | undefined {
  if (needle === '') return undefined;
  const matches = names.filter((n) => n.toLowerCase().includes(needle));
  return matches.find((n) => n.toLowerCase() === needle) ?? (matches.length === 1 ? matches[0] : undefined);
}
