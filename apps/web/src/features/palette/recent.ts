/** The last places the palette took this browser to, newest first. */
export interface Destination {
  href: string;
  label: string;
  kind: 'page' | 'listener' | 'message' | 'thread';
}

const KEY = 'organism-palette-recent';
const KEEP = 5;

export function readRecent(): Destination[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as Destination[]).slice(0, KEEP) : [];
  } catch {
    return [];
  }
}

export function remember(d: Destination): void {
  const next = [d, ...readRecent().filter((r) => r.href !== d.href)].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or disabled: the palette works without its recent list.
  }
}
