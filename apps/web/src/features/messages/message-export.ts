import type { ExportedMessage, MessageExportInput } from '@organism/shared';
import {
  createLoader,
  createSerializer,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs/server';
import type { inferParserType } from 'nuqs/server';
import { stateChoices, stateFilter } from '@/lib/outcome';
import { urlProblem } from '@/lib/url-problem';

export const MESSAGE_EXPORT_FORMATS = ['xml', 'jsonl'] as const;
export type MessageExportFormat = (typeof MESSAGE_EXPORT_FORMATS)[number];

/**
 * What `/messages/export` reads from its URL: the messages list's filter keys (lib/url-filters.ts) and the
 * search page's `text` and `xpath`, so both pages link to the same download of what they show.
 */
export const messageExportParsers = {
  to: parseAsString,
  from: parseAsString,
  participant: parseAsString,
  state: parseAsStringLiteral(stateChoices),
  root: parseAsString,
  errorCode: parseAsString,
  thread: parseAsString,
  since: parseAsIsoDateTime,
  until: parseAsIsoDateTime,
  text: parseAsString,
  xpath: parseAsString,
};
export type MessageExportValues = inferParserType<typeof messageExportParsers>;

export const loadMessageExport = createLoader({
  ...messageExportParsers,
  format: parseAsStringLiteral(MESSAGE_EXPORT_FORMATS).withDefault('jsonl'),
});

/** Every key of an export URL: the filters, the search and the format. */
const exportUrlParsers = {
  ...messageExportParsers,
  format: parseAsStringLiteral(MESSAGE_EXPORT_FORMATS),
};

/** What is wrong with an export URL (`urlProblem`), or undefined when nothing is. */
export const exportUrlProblem = (params: URLSearchParams): string | undefined =>
  urlProblem(params, exportUrlParsers);

const serializeExport = createSerializer(exportUrlParsers);

/** The download of every message the filter (and search) matches, not only the page on screen. */
export function messagesExportHref(v: Partial<MessageExportValues>, format: MessageExportFormat): string {
  return serializeExport('/messages/export', { ...v, format });
}

/** What `messages.exportPage` takes, from the URL's values: absent keys left out. */
export function toExportInput(v: Partial<MessageExportValues>): Omit<MessageExportInput, 'limit' | 'cursor'> {
  const out: Omit<MessageExportInput, 'limit' | 'cursor'> = stateFilter(v.state);
  for (const key of ['to', 'from', 'participant', 'root', 'errorCode', 'text', 'xpath'] as const) {
    const value = v[key];
    if (value) Object.assign(out, { [key]: value });
  }
  if (v.thread) out.threadId = v.thread;
  if (v.since) out.since = v.since.getTime();
  if (v.until) out.until = v.until.getTime();
  return out;
}

/** The namespace of the export's own elements; envelopes keep theirs, so a payload reads as it was sent. */
export const EXPORT_NS = 'urn:organism:export:v1';

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The XML export's opening: one document whose root holds an `<x:entry>` per message. The export's
 * elements are prefixed, never the default namespace, so a payload without a namespace stays without one.
 */
export function xmlHead(exportedAt: Date): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<x:messages xmlns:x="${EXPORT_NS}" exported="${exportedAt.toISOString()}">\n`;
}

export function xmlTail(): string {
  return '</x:messages>\n';
}

/** A message as an `<x:entry>` with its journal facts as attributes and its envelope (or refused input). */
export function xmlEntry(m: ExportedMessage): string {
  const attrs: [string, string | number | null][] = [
    ['id', m.id],
    ['state', m.state],
    ['kind', m.kind],
    ['from', m.from],
    ['to', m.to],
    ['thread', m.threadId],
    ['attempts', m.attempts],
    ['error', m.errorCode],
    ['created', new Date(m.createdAt).toISOString()],
    ['updated', new Date(m.updatedAt).toISOString()],
  ];
  const head = attrs
    .filter(([, v]) => v !== null)
    .map(([k, v]) => ` ${k}="${escape(String(v))}"`)
    .join('');
  const body = m.envelopeXml ?? (m.raw !== null ? `<x:raw>${escape(m.raw)}</x:raw>` : '');
  return `  <x:entry${head}>${body}</x:entry>\n`;
}

/** A message as one JSON line, exactly as `messages.exportPage` returns it. */
export function jsonLine(m: ExportedMessage): string {
  return `${JSON.stringify(m)}\n`;
}
