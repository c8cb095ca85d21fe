import { z } from 'zod';
import { messageStateSchema } from './journal.ts';
import type { MessageSummary } from './journal.ts';

/**
 * The list filters a search and an export take (those of `messages.list` but `threadId`): `to` is the
 * listener a delivery was addressed to, `participant` either side; `since` and `until` (ms since the
 * epoch) bound its creation, both inclusive.
 */
const searchFilterShape = {
  to: z.string().min(1).max(200).optional(),
  from: z.string().min(1).max(200).optional(),
  participant: z.string().min(1).max(200).optional(),
  state: messageStateSchema.optional(),
  refused: z.boolean().optional(),
  root: z.string().min(1).max(200).optional(),
  errorCode: z.string().min(1).max(100).optional(),
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
};

/** Most candidates one request examines, with an XPath (each one parsed) and without. */
export const SEARCH_SCAN = {
  xpath: { default: 2_000, max: 10_000 },
  text: { default: 10_000, max: 100_000 },
};

/**
 * `messages.search`: entries whose payload holds every word of `text` (indexed: any case and accents,
 * `"a phrase"`, `pre*`) and/or for which the XPath 1.0 expression `xpath` is true (payloads seen without
 * namespaces: `/order[total > 100]`), with the list filters. At least one of `text` and `xpath`. Each
 * request examines at most `scan` candidates (SEARCH_SCAN) and returns at most `limit` hits; go on from
 * `nextCursor`. Unknown keys are refused.
 */
export const messageSearchInputSchema = z.strictObject({
  ...searchFilterShape,
  text: z.string().trim().max(500).optional(),
  xpath: z.string().trim().max(2_000).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  scan: z.number().int().min(1).max(SEARCH_SCAN.text.max).optional(),
  cursor: z.string().max(200).optional(),
});
export type MessageSearchInput = z.input<typeof messageSearchInputSchema>;

export interface MessageSearchHit extends MessageSummary {
  /** The payload's text around the first word found (text search), or what the XPath matched. */
  snippet: string;
}

export interface MessageSearchResult {
  items: MessageSearchHit[];
  /** Where the next request goes on; null once every candidate was examined. */
  nextCursor: string | null;
  /** Candidates this request examined: entries the text index gave (or, without a text, the filters). */
  scanned: number;
  /** Candidates from where this request started, counted up to 10,000 (`candidatesCapped`: more). */
  candidates: number;
  candidatesCapped: boolean;
}

/**
 * `messages.exportPage`: one page of a filtered list (without `text` and `xpath`) or of a search, each
 * entry with its envelope, for the console's streamed download (`/messages/export`).
 */
export const messageExportInputSchema = z.strictObject({
  ...searchFilterShape,
  /** One thread's messages (the messages list's `thread` filter); a search has none. */
  threadId: z.string().min(1).max(100).optional(),
  text: z.string().trim().max(500).optional(),
  xpath: z.string().trim().max(2_000).optional(),
  limit: z.number().int().min(1).max(1_000).default(500),
  cursor: z.string().max(200).optional(),
});
export type MessageExportInput = z.input<typeof messageExportInputSchema>;

export interface ExportedMessage extends MessageSummary {
  /** The canonical envelope (null for refused input, whose raw text is in `raw`). */
  envelopeXml: string | null;
  payloadXml: string | null;
  raw: string | null;
}

export interface MessageExportPage {
  items: ExportedMessage[];
  nextCursor: string | null;
}
