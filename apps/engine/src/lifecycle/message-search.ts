import {
  EngineError,
  messageExportInputSchema,
  messageSearchInputSchema,
  SEARCH_SCAN,
} from '@organism/shared';
import type {
  ExportedMessage,
  MessageExportInput,
  MessageExportPage,
  MessageFilter,
  MessageSearchInput,
  MessageSearchResult,
  ThreadId,
} from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import type { SearchHit, SearchRequest } from '../journal/search/search-request.ts';
import { parseTextQuery } from '../journal/search/text-query.ts';
import type { TextQuery } from '../journal/search/text-query.ts';
import { textSnippet } from '../journal/search/text-snippet.ts';
import { buildEnvelope } from '../pump/envelope/build-envelope.ts';
import { PayloadXPath, XPathTooCostly } from '../xml/payload-xpath.ts';
import { XPathTooSlow, XPathWorkers } from '../xml/xpath-workers.ts';
import type { XPathWorker } from '../xml/xpath-workers.ts';
import { Turns, TurnsByAsker } from './turns.ts';

/** Payload searches and export pages that run at once; the rest wait their turn. */
const SEARCHES_AT_ONCE = 2;
/** A user's searches and export pages running or waiting, at most (one runs at a time). */
const SEARCHES_QUEUED_PER_USER = 4;

/** Who asks for a search (its turns are per user), and whether they are still there to hear the answer. */
export interface SearchAsker {
  asker?: string;
  signal?: AbortSignal;
}

/**
 * The engine's payload searches and export pages (`messages.search`, `messages.exportPage`): they take
 * turns, SEARCHES_AT_ONCE at a time and one at a time per user, at most SEARCHES_QUEUED_PER_USER of a
 * user's waiting, so that a batch of fifty, or many clients at once, cannot hold up the pump or other
 * users' searches; their XPath runs in worker threads, which `close` ends.
 */
export class MessageSearches {
  private readonly turns = new TurnsByAsker(
    new Turns(SEARCHES_AT_ONCE),
    SEARCHES_QUEUED_PER_USER,
    'searches and exports',
  );
  private readonly workers = new XPathWorkers();

  constructor(private readonly journal: Journal) {}

  search(input: MessageSearchInput, { asker = '', signal }: SearchAsker = {}): Promise<MessageSearchResult> {
    return this.turns.run(asker, () => searchMessages(this.journal, this.workers, input, signal));
  }

  exportPage(
    input: MessageExportInput,
    { asker = '', signal }: SearchAsker = {},
  ): Promise<MessageExportPage> {
    return this.turns.run(asker, () => exportMessages(this.journal, this.workers, input, signal));
  }

  close(): Promise<void> {
    return this.workers.close();
  }
}

/**
 * Most steps an XPath may take over one request's payloads, twenty payloads at the bound of one
 * (`XPATH_STEPS_PER_PAYLOAD`). A search whose XPath costs more ends its page early, with a cursor to go
 * on from, as at its scan budget.
 */
export const XPATH_STEPS_PER_SEARCH = 10_000_000;
/**
 * Longest a request's XPath may be evaluated, in all: past it the page ends early with a cursor, as at
 * its scan budget. Each batch also has its own deadline (XPATH_BATCH_DEADLINE_MS).
 */
export const XPATH_MS_PER_SEARCH = 10_000;

/** What a search or an export asks of the journal, checked: the text parsed, the XPath compiled. */
interface Prepared {
  filter: MessageFilter;
  text: TextQuery | null;
  /** The expression, compiled once here to refuse a bad one at its field before any payload is read. */
  xpath: string | undefined;
}

function refuse(path: string, message: string): never {
  throw new EngineError('INPUT_INVALID', `${path}: ${message}`, { problems: [{ path, message }] });
}

function prepare(input: {
  text?: string | undefined;
  xpath?: string | undefined;
  to?: string | undefined;
  from?: string | undefined;
  participant?: string | undefined;
  state?: MessageFilter['state'];
  refused?: boolean | undefined;
  root?: string | undefined;
  errorCode?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}): Prepared {
  const { text: rawText, xpath: rawXPath, ...filterFields } = input;
  const filter = Object.fromEntries(
    Object.entries(filterFields).filter(([, v]) => v !== undefined),
  ) as MessageFilter;
  const text = rawText ? parseTextQuery(rawText) : null;
  if (rawText && !text) refuse('text', 'has no letter or digit to look for');
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until)
    refuse('since', 'is after until: the time range is empty');
  if (rawXPath) {
    const compiled = PayloadXPath.compile(rawXPath);
    if (!compiled.ok) refuse('xpath', compiled.message);
    compiled.xpath.dispose();
  }
  return { filter, text, xpath: rawXPath || undefined };
}

function request(
  p: Prepared,
  worker: XPathWorker | undefined,
  page: { cursor: string | undefined; limit: number; scan: number },
  signal: AbortSignal | undefined,
): SearchRequest {
  const { xpath } = p;
  const started = Date.now();
  return {
    filter: p.filter,
    ...(p.text ? { text: p.text } : {}),
    ...(page.cursor ? { cursor: page.cursor } : {}),
    limit: page.limit,
    scan: page.scan,
    ...(signal ? { signal } : {}),
    ...(xpath && worker
      ? {
          test: (payloadsXml: string[]) => worker.evaluate(xpath, payloadsXml),
          spent: () => worker.spent >= XPATH_STEPS_PER_SEARCH || Date.now() - started >= XPATH_MS_PER_SEARCH,
        }
      : {}),
  };
}

const NARROW_IT =
  'an expression that walks the whole payload, or builds its whole text, inside a predicate (//* or string(/) within [ ]) grows with the square of its size; start from the root (/order/line) or a single descendant step';

/**
 * The journal's search of `p`, its XPath (if any) evaluated by a worker of `workers`; an XPath too costly
 * on one payload, or too slow on a batch, is refused at `xpath`.
 */
async function searched(
  journal: Journal,
  workers: XPathWorkers,
  p: Prepared,
  page: { cursor: string | undefined; limit: number; scan: number },
  signal: AbortSignal | undefined,
): Promise<Awaited<ReturnType<Journal['search']>>> {
  const run = (worker?: XPathWorker) => journal.search(request(p, worker, page, signal));
  try {
    return await (p.xpath ? workers.lend(run) : run());
  } catch (err) {
    if (err instanceof XPathTooCostly || err instanceof XPathTooSlow)
      return refuse('xpath', `${err.message}: ${NARROW_IT}`);
    throw err;
  }
}

/**
 * `messages.search`: a page of entries whose payload holds the text and/or matches the XPath, within the
 * list filters. The text index narrows first; the XPath is evaluated on at most `scan` candidates per
 * request, in a worker thread (each payload parsed once, its document freed at once), for at most
 * XPATH_STEPS_PER_SEARCH steps; the answer says how far it got.
 */
export async function searchMessages(
  journal: Journal,
  workers: XPathWorkers,
  raw: MessageSearchInput,
  signal?: AbortSignal,
): Promise<MessageSearchResult> {
  const input = messageSearchInputSchema.parse(raw);
  if (!input.text && !input.xpath) refuse('text', 'give a text to find, an XPath, or both');
  const budget = input.xpath ? SEARCH_SCAN.xpath : SEARCH_SCAN.text;
  if (input.scan !== undefined && input.scan > budget.max)
    refuse(
      'scan',
      `is at most ${budget.max.toLocaleString('en')} ${input.xpath ? 'with' : 'without'} an XPath`,
    );
  const p = prepare(input);
  const page = await searched(
    journal,
    workers,
    p,
    { cursor: input.cursor, limit: input.limit, scan: input.scan ?? budget.default },
    signal,
  );
  return {
    items: page.hits.map((h) => ({
      ...h.entry,
      snippet: p.text || h.match === null ? textSnippet(h.payloadXml, p.text) : h.match,
    })),
    nextCursor: page.nextCursor,
    scanned: page.scanned,
    candidates: page.candidates,
    candidatesCapped: page.candidatesCapped,
  };
}

/**
 * `messages.exportPage`: a page of a filtered list or of a search, each entry with its envelope. Without
 * a text or an XPath every entry of the filter is exported; with an XPath a page may come back short
 * (its scan budget spent) with a cursor to go on from.
 */
export async function exportMessages(
  journal: Journal,
  workers: XPathWorkers,
  raw: MessageExportInput,
  signal?: AbortSignal,
): Promise<MessageExportPage> {
  const input = messageExportInputSchema.parse(raw);
  const p = prepare(input);
  const scan = p.xpath ? SEARCH_SCAN.xpath.max : p.text ? SEARCH_SCAN.text.max : input.limit;
  const page = await searched(
    journal,
    workers,
    p,
    { cursor: input.cursor, limit: input.limit, scan },
    signal,
  );
  return { items: page.hits.map(exported), nextCursor: page.nextCursor };
}

function exported(h: SearchHit): ExportedMessage {
  const e = h.entry;
  const envelopeXml =
    h.payloadXml && e.threadId && e.from
      ? (h.raw ??
        buildEnvelope({
          from: e.from,
          to: e.to ?? '',
          threadId: e.threadId as ThreadId,
          payloadXml: h.payloadXml,
        }))
      : null;
  return { ...e, envelopeXml, payloadXml: h.payloadXml, raw: h.raw };
}
