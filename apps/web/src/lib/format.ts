/** Formatting shared by every page: counts with separators, relative and exact times, durations. */

const count = new Intl.NumberFormat('en-US');
const rate = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return count.format(n);
}

/** A count with its noun: "1 open thread", "2 open threads" (`many` for irregular plurals). */
export function formatCountOf(n: number, one: string, many = `${one}s`): string {
  return `${count.format(n)} ${plural(n, one, many)}`;
}

/** The noun for a count shown apart from it: "message" for 1, "messages" otherwise. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

/** A time of day to the second, in the viewer's locale ("3:12:36 PM"): the overview chart's ticks. */
export function formatClock(at: number): string {
  return clock.format(at);
}

/** "12.5/s"; a trickle that would round to nothing reads "<0.1/s", never "0/s". */
export function formatRate(perSecond: number): string {
  if (perSecond > 0 && perSecond < 0.05) return '<0.1/s';
  return `${rate.format(perSecond)}/s`;
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(at: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "in 12 s", "in 3 min", "in 2 h"; "due" once the time has come. */
export function formatIn(at: number, now = Date.now()): string {
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return 'due';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.ceil(s / 60)} min`;
  if (s < 86_400) return `in ${Math.ceil(s / 3600)} h`;
  return `in ${Math.ceil(s / 86_400)} d`;
}

/** Exact local time with milliseconds, for tooltips. */
export function formatExact(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "2h 14m", "3m 05s", "12s". */
export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

const seconds2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const seconds1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/**
 * `850 ms`, `1.25 s`, `5 s` (a round figure, a configured timeout say, without its zeros), `30.5 s`; from a
 * minute on in whole units, the larger two at most: `8 min 12 s`, `5 min`, `2 h 4 min`, `3 d 1 h`.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms < 10_000 ? seconds2 : seconds1).format(ms / 1000)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return twoUnits(Math.floor(s / 60), 'min', s % 60, 's');
  if (s < 86_400) return twoUnits(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return twoUnits(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

function twoUnits(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/** First 8 characters of an id, as every list shows them. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * An id for a tab's title: its short form when it is one (hex and dashes), else the text as typed (at most
 * 24 characters): `/messages/not-an-id` would read as the id "not-an-i".
 */
export function titleId(id: string): string {
  if (/^[0-9a-f][0-9a-f-]{7,}$/i.test(id)) return shortId(id);
  return id.length > 24 ? `${id.slice(0, 23)}…` : id;
}

/** A payload root as people read it: `{urn:ns}order` → `order` (the namespace goes in a tooltip). */
export function rootName(root: string): string {
  return root.startsWith('{') ? root.slice(root.indexOf('}') + 1) : root;
}
