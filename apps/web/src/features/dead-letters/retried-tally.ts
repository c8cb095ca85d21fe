'use client';
import type { TransitionState } from '@organism/shared';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useEngineStream } from '@/lib/engine-stream';

/** How a bulk retry's dead letters fare: how many it queued, how many are counted, and where those are. */
export interface Tally {
  queued: number;
  /** Those counted: every one, or the first `RETRIED_IDS_MAX` the engine answered with. */
  followed: number;
  waiting: number;
  running: number;
  delivered: number;
  failedAgain: number;
  discarded: number;
}

type Bucket = Exclude<keyof Tally, 'queued' | 'followed'>;

const BUCKET = {
  PENDING: 'waiting',
  DISPATCHED: 'running',
  ACKED: 'delivered',
  FAILED: 'failedAgain',
  DISCARDED: 'discarded',
} as const satisfies Record<TransitionState, Bucket>;

/**
 * Follows a bulk retry's dead letters by their transitions on the event stream, without reading any of
 * them: each starts PENDING (the retry moved it there) and is where its last transition put it. The
 * stream may bring a retried entry's transitions before the retry's answer names it (the first chunks
 * are delivered while the last are still being moved), so what arrives from the moment the retry is sent
 * is kept until the answer comes, and read then. Its tally is kept as transitions come, never counted
 * afresh: it is read on every change, and a retry may follow 10,000.
 */
export class RetriedFollower {
  private early: Map<string, TransitionState> | null = null;
  private states = new Map<string, TransitionState>();
  private current: Tally | undefined;
  private readonly listeners = new Set<() => void>();

  /** The retry is on its way. */
  sending(): void {
    this.early = new Map();
  }

  /** It did not happen (refused, or the engine could not be reached). */
  abandon(): void {
    this.early = null;
  }

  /** Its answer: the ids it retried (`ids`, perhaps only the first of them) and how many in all. */
  follow(ids: readonly string[], queued: number): void {
    const early = this.early;
    this.early = null;
    this.states = new Map(ids.map((id) => [id, early?.get(id) ?? 'PENDING']));
    const tally: Tally = {
      queued,
      followed: this.states.size,
      waiting: 0,
      running: 0,
      delivered: 0,
      failedAgain: 0,
      discarded: 0,
    };
    for (const state of this.states.values()) tally[BUCKET[state]]++;
    this.changed(tally);
  }

  /** A transition from the stream; whether it moved one of those followed. */
  apply(t: { messageId: string; state: TransitionState }): boolean {
    this.early?.set(t.messageId, t.state);
    const was = this.states.get(t.messageId);
    if (was === undefined || !this.current) return false;
    this.states.set(t.messageId, t.state);
    const from = BUCKET[was];
    const to = BUCKET[t.state];
    if (from !== to)
      this.changed({ ...this.current, [from]: this.current[from] - 1, [to]: this.current[to] + 1 });
    return true;
  }

  /** Where those followed are now; undefined before a retry's answer. The same object until it changes. */
  tally(): Tally | undefined {
    return this.current;
  }

  /** Calls `fn` on each change of the tally; returns the unsubscribe (React's `useSyncExternalStore`). */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private changed(tally: Tally): void {
    this.current = tally;
    for (const fn of this.listeners) fn();
  }
}

/**
 * A `RetriedFollower` fed by the console's event stream for as long as the page is open. It never
 * re-renders the page: only what reads its tally (`useTally`) does.
 */
export function useRetriedFollower(): RetriedFollower {
  const stream = useEngineStream();
  const ref = useRef<RetriedFollower>(null);
  ref.current ??= new RetriedFollower();
  const follower = ref.current;
  useEffect(() => stream.subscribe((t) => void follower.apply(t)), [stream, follower]);
  return follower;
}

/** The follower's tally, re-rendering as it changes. */
export function useTally(follower: RetriedFollower): Tally | undefined {
  return useSyncExternalStore(
    follower.subscribe,
    () => follower.tally(),
    () => undefined,
  );
}
