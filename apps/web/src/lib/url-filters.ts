import type { MessageFilter } from '@organism/shared';
import {
  createSerializer,
  parseAsArrayOf,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs';
import type { inferParserType } from 'nuqs';
import { stateChoiceOf, stateChoices, stateFilter } from './outcome';

/**
 * The message filter as it lives in the URL (`/messages?to=greeter&state=FAILED&since=…`), so a view can be
 * shared and reloaded. Keys are those of `MessageFilter`; times are ISO date-times; `state` is one of the
 * console's (`stateChoices`: REJECTED too).
 */
export const messageFilterParsers = {
  to: parseAsString,
  from: parseAsString,
  participant: parseAsString,
  state: parseAsStringLiteral(stateChoices),
  root: parseAsString,
  errorCode: parseAsString,
  thread: parseAsString,
  since: parseAsIsoDateTime,
  until: parseAsIsoDateTime,
};
export type MessageFilterValues = inferParserType<typeof messageFilterParsers>;

/** What `messages.list` (and `journal.retryMany`) take, from the URL's values: absent keys left out. */
export function toMessageFilter(v: Partial<MessageFilterValues>): MessageFilter {
  const f: MessageFilter = stateFilter(v.state);
  if (v.to) f.to = v.to;
  if (v.from) f.from = v.from;
  if (v.participant) f.participant = v.participant;
  if (v.root) f.root = v.root;
  if (v.errorCode) f.errorCode = v.errorCode;
  if (v.thread) f.threadId = v.thread;
  if (v.since) f.since = v.since.getTime();
  if (v.until) f.until = v.until.getTime();
  return f;
}

/** The URL's values for a journal filter (`toMessageFilter`'s inverse): a thread as `thread`, refused input as REJECTED. */
export function messageFilterValues(f: MessageFilter): Partial<MessageFilterValues> {
  return {
    to: f.to ?? undefined,
    from: f.from,
    participant: f.participant,
    state: stateChoiceOf(f),
    root: f.root,
    errorCode: f.errorCode,
    thread: f.threadId,
    since: f.since === undefined ? undefined : new Date(f.since),
    until: f.until === undefined ? undefined : new Date(f.until),
  };
}

const serializeMessageFilter = createSerializer(messageFilterParsers);

/** A link to the messages list with a filter, for other pages (a map edge, a listener, a dead-letter group). */
export function messagesHref(filter: Partial<MessageFilterValues>): string {
  return serializeMessageFilter('/messages', filter);
}

/**
 * Keyset paging in the URL: `after` is the stack of cursors that led to the page shown (empty = the newest
 * page), so "older" pushes the page's `nextCursor` and "newer" pops one. No page numbers on a live journal.
 */
export const keysetParsers = { after: parseAsArrayOf(parseAsString) };

/** The cursor of the page the stack points at, and the stacks one page older and newer. */
export function keyset(after: string[] | null) {
  const stack = after ?? [];
  return {
    cursor: stack.at(-1),
    hasNewer: stack.length > 0,
    older: (nextCursor: string): string[] => [...stack, nextCursor],
    newer: (): string[] | null => (stack.length > 1 ? stack.slice(0, -1) : null),
  };
}
