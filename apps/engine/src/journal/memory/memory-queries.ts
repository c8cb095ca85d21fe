import {
  deadLettersInputSchema,
  messageFilterSchema,
  messageListInputSchema,
  messageStates,
  threadListInputSchema,
} from '@organism/shared';
import type {
  DeadLetterGroup,
  DeadLettersInput,
  DeadLettersResult,
  MessageDetail,
  MessageFilter,
  MessageListInput,
  MessageState,
  MessageSummary,
  Page,
  RoutedTransition,
  ThreadListInput,
  ThreadStatus,
  ThreadSummary,
  ThroughputHistory,
  Transition,
} from '@organism/shared';
import type { FailedScope, FoundEntries, RecordedTransition, UnfinishedEntry } from '../journal.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { compare, lastFailedFirst, oldestFirst, toDelivery, toDetail, toSummary } from '../entry-record.ts';
import type { EntryRow } from '../entry-record.ts';
import { matchesFilter } from '../search/search-request.ts';
import { HISTORY_SECONDS, throughputHistory } from '../throughput-history.ts';
import type { SecondOutcomes } from '../throughput-history.ts';
import type { MemoryStore } from './memory-store.ts';

/** Per-thread figures derived from the live entries, as the SQLite queries compute them. */
interface ThreadFacts {
  open: number;
  failed: number;
  participants: Set<string>;
}

/** The console's queries over the memory store, giving the same answers as sqlite-queries.ts. */
export class MemoryQueries {
  constructor(private readonly store: MemoryStore) {}

  unfinished(): UnfinishedEntry[] {
    return [...this.store.messages.values()]
      .filter((r) => isUnfinished(r) && !r.egress && r.to !== null)
      .sort(oldestFirst)
      .map((r) => ({ delivery: toDelivery(r), nextAttemptAt: r.nextAttemptAt }));
  }

  countUnfinished(listener: string): number {
    let n = 0;
    for (const r of this.store.messages.values()) if (r.to === listener && isUnfinished(r)) n++;
    return n;
  }

  /** The dead letters matching `filter`, oldest first: those a retry can take, or `all` (FailedScope). */
  failedMatching(filter: MessageFilter, { all }: FailedScope = {}): EntryRow[] {
    const f = { ...messageFilterSchema.parse(filter), state: 'FAILED' as const };
    return [...this.store.messages.values()]
      .filter((r) => (all || (!r.egress && r.kind !== 'rejected')) && matchesFilter(r, f))
      .sort(oldestFirst);
  }

  deadLetters(raw: DeadLettersInput): DeadLettersResult {
    const input = deadLettersInputSchema.parse(raw);
    const groups = new Map<string, DeadLetterGroup & { sampleAt: number }>();
    let total = 0;
    for (const r of this.store.messages.values()) {
      if (r.state !== 'FAILED') continue;
      if ((input.to && r.to !== input.to) || (input.errorCode && r.errorCode !== input.errorCode)) continue;
      total++;
      const refused = r.kind === 'rejected' ? 1 : 0;
      const key = JSON.stringify([r.to, r.errorCode]);
      const g = groups.get(key);
      if (!g) {
        groups.set(key, {
          to: r.to,
          errorCode: r.errorCode,
          count: 1,
          refused,
          firstAt: r.updatedAt,
          lastAt: r.updatedAt,
          sampleId: r.id,
          sampleAt: r.updatedAt,
        });
        continue;
      }
      g.count++;
      g.refused += refused;
      g.firstAt = Math.min(g.firstAt, r.updatedAt);
      g.lastAt = Math.max(g.lastAt, r.updatedAt);
      if (r.updatedAt > g.sampleAt) {
        g.sampleAt = r.updatedAt;
        g.sampleId = r.id;
      }
    }
    const sorted = [...groups.values()]
      .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt)
      .slice(0, input.limit)
      .map(({ sampleAt: _, ...g }) => g);
    return { total, groups: sorted };
  }

  latestFailures(limit: number): MessageSummary[] {
    return [...this.store.messages.values()]
      .filter((r) => r.state === 'FAILED')
      .sort(lastFailedFirst)
      .slice(0, limit)
      .map(toSummary);
  }

  find(q: string, limit: number): FoundEntries {
    const id = q.toLowerCase();
    const hit = (x: string): boolean => (id.length >= 4 ? x.startsWith(id) : x === id);
    const firstById = <T>(xs: Iterable<T>, key: (x: T) => string): T[] =>
      [...xs]
        .filter((x) => hit(key(x)))
        .sort((a, b) => compare(key(a), key(b)))
        .slice(0, limit);
    const threadIds = firstById(this.store.threads.keys(), (x) => x);
    const facts = this.threadFacts();
    return {
      messages: firstById(this.store.messages.values(), (r) => r.id).map(toSummary),
      threads: threadIds.flatMap((tid) => {
        const t = this.store.threads.get(tid);
        return t ? [summary(t, facts.get(tid))] : [];
      }),
    };
  }

  listMessages(raw: MessageListInput): Page<MessageSummary> {
    const input = messageListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const rows = [...this.store.messages.values()]
      .filter((r) => matchesFilter(r, input) && (!after || before(r.createdAt, r.id, after)))
      .sort((a, b) => b.createdAt - a.createdAt || compare(b.id, a.id));
    const items = rows.slice(0, input.limit).map(toSummary);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  listThreads(raw: ThreadListInput): Page<ThreadSummary> {
    const input = threadListInputSchema.parse(raw);
    const after = decodeCursor(input.cursor);
    const facts = this.threadFacts();
    const rows = [...this.store.threads.values()]
      .map((t) => {
        const f = facts.get(t.id);
        return {
          ...t,
          open: f?.open ?? 0,
          failed: f?.failed ?? 0,
          participants: f?.participants,
        };
      })
      .filter(
        (t) =>
          (!after || before(t.lastAt, t.id, after)) &&
          (!input.status || status(t.open, t.failed) === input.status) &&
          (!input.participant || t.participants?.has(input.participant) === true),
      )
      .sort((a, b) => b.lastAt - a.lastAt || compare(b.id, a.id));
    const items = rows.slice(0, input.limit).map((t): ThreadSummary => ({
      id: t.id,
      status: status(t.open, t.failed),
      participants: [...(t.participants ?? [])].sort(),
      messages: t.messages,
      failed: t.failed,
      firstAt: t.firstAt,
      lastAt: t.lastAt,
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.lastAt, last.id) : null,
    };
  }

  private threadFacts(): Map<string, ThreadFacts> {
    const out = new Map<string, ThreadFacts>();
    for (const r of this.store.messages.values()) {
      if (!r.threadId) continue;
      const f = out.get(r.threadId) ?? {
        open: 0,
        failed: 0,
        participants: new Set<string>(),
      };
      out.set(r.threadId, f);
      if (r.state === 'PENDING' || r.state === 'DISPATCHED') f.open++;
      if (r.state === 'FAILED') f.failed++;
      if (r.from) f.participants.add(r.from);
      if (r.to) f.participants.add(r.to);
    }
    return out;
  }

  getMessage(id: string): MessageDetail | undefined {
    const r = this.store.messages.get(id);
    if (!r) return undefined;
    return toDetail(
      r,
      this.store.transitions.filter((t) => t.messageId === id).map((t) => ({ ...t })),
    );
  }

  transitions(afterSeq: number, limit: number): Transition[] {
    const log = this.store.transitions;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid]?.seq ?? Infinity) > afterSeq) hi = mid;
      else lo = mid + 1;
    }
    // SQLite reads a negative LIMIT as "no limit".
    return log.slice(lo, limit < 0 ? undefined : lo + limit).map((t) => ({ ...t }));
  }

  routedTransitions(afterSeq: number, limit: number): RoutedTransition[] {
    return this.transitions(afterSeq, limit).map((t) => {
      const r = this.store.messages.get(t.messageId);
      return { ...t, from: r?.from ?? null, to: r?.to ?? null, root: r?.root ?? null, kind: r?.kind ?? '' };
    });
  }

  recordedTransitions(afterSeq: number, limit: number): RecordedTransition[] {
    const page = this.routedTransitions(afterSeq, limit);
    const facts = page.length > 0 ? this.threadFacts() : new Map<string, ThreadFacts>();
    return page.map((t) => {
      const r = this.store.messages.get(t.messageId);
      const f = t.threadId === null ? undefined : facts.get(t.threadId);
      const known = t.threadId !== null && this.store.threads.has(t.threadId);
      return {
        ...t,
        parentId: r?.parentId ?? null,
        payloadXml: r?.payload ?? null,
        egress: r?.egress === true,
        threadOpen: known ? (f?.open ?? 0) : null,
        threadFailed: known ? (f?.failed ?? 0) : null,
      };
    });
  }

  stats(now: number): {
    counts: Record<MessageState, number>;
    refused: number;
    oldestPendingAt: number | null;
    ratePerSecond: Record<MessageState, number>;
    lastSeq: number;
  } {
    const zero = (): Record<MessageState, number> =>
      Object.fromEntries(messageStates.map((s) => [s, 0])) as Record<MessageState, number>;
    const counts = zero();
    let oldestPendingAt: number | null = null;
    let refused = 0;
    for (const r of this.store.messages.values()) {
      counts[r.state]++;
      if (r.kind === 'rejected') refused++;
      if (r.state === 'PENDING' && (oldestPendingAt === null || r.createdAt < oldestPendingAt))
        oldestPendingAt = r.createdAt;
    }
    const recent = zero();
    for (const t of this.store.transitions)
      if (t.at >= now - 60_000 && t.state in recent) recent[t.state as MessageState]++;
    const ratePerSecond = zero();
    for (const s of messageStates) ratePerSecond[s] = recent[s] / 60;
    return { counts, refused, oldestPendingAt, ratePerSecond, lastSeq: this.store.headSeq };
  }

  throughput(now: number, since: number): ThroughputHistory {
    const from = Math.floor(now / 1000) - HISTORY_SECONDS;
    const bySecond = new Map<number, SecondOutcomes>();
    for (const t of this.store.transitions) {
      const second = Math.floor(t.at / 1000);
      if (second < from || (t.state !== 'ACKED' && t.state !== 'FAILED')) continue;
      let c = bySecond.get(second);
      if (!c) bySecond.set(second, (c = { delivered: 0, failed: 0, rejected: 0 }));
      if (t.state === 'ACKED') c.delivered++;
      else if (t.attempt === 0) c.rejected++;
      else c.failed++;
    }
    return throughputHistory(now, since, (s) => bySecond.get(s) ?? { delivered: 0, failed: 0, rejected: 0 });
  }
}

function isUnfinished(r: EntryRow): boolean {
  return r.state === 'PENDING' || r.state === 'DISPATCHED';
}

/** Keyset: strictly after the cursor in (at desc, id desc) order. */
function before(at: number, id: string, cursor: { at: number; id: string }): boolean {
  return at < cursor.at || (at === cursor.at && id < cursor.id);
}

function status(open: number, failed: number): ThreadStatus {
  return open > 0 ? 'active' : failed > 0 ? 'failed' : 'completed';
}

function summary(
  t: { id: string; firstAt: number; lastAt: number; messages: number },
  f: ThreadFacts | undefined,
): ThreadSummary {
  return {
    id: t.id,
    status: status(f?.open ?? 0, f?.failed ?? 0),
    participants: [...(f?.participants ?? [])].sort(),
    messages: t.messages,
    failed: f?.failed ?? 0,
    firstAt: t.firstAt,
    lastAt: t.lastAt,
  };
}
