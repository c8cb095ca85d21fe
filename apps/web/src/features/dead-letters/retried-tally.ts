'use client';
import type { TransitionState } from '@organism/shared';
import { useEffect, useReducer, useRef } from 'react';
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

const BUCKET = {
  PENDING: 'waiting',
  DISPATCHED: 'running',
  ACKED: 'delivered',
  FAILED: 'failedAgain',
  DISCARDED: 'discarded',
} as const satisfies Record<TransitionState, keyof Tally>;

/**
 * Follows a bulk retry's dead letters by their transitions on the event stream, without reading any of
 * them: each starts PENDING (the retry moved it there) and is where its last transition put it. The
 * stream may bring a retried entry's transitions before the retry's answer names it (the first chunks
 * are delivered while the last are still being moved), so what arrives from the moment the retry is sent
 * is kept until the answer comes, and read then.
 */
export class RetriedFollower {
  private early: Map<string, TransitionState> | null = null;
  private states = new Map<string, TransitionState>();
  private queued = 0;

  /** The retry is on its way. */
  sending(): void {
    this.early = new Map();
  }

  /** It did not happen (refused, or the engine could not be reached). */
  abandon(): void {
    this.early = null;
  }

  /** Its answer: the ids it queued again (`ids`, perhaps only the first of them) and how many in all. */
  follow(ids: readonly string[], queued: number): void {
    const early = this.early;
    this.early = null;
    this.states = new Map(ids.map((id) => [id, early?.get(id) ?? 'PENDING']));
    this.queued = queued;
  }

  /** A transition from the stream; whether it moved one of those followed. */
  apply(t: { messageId: string; state: TransitionState }): boolean {
    this.early?.set(t.messageId, t.state);
    if (!this.states.has(t.messageId)) return false;
    this.states.set(t.messageId, t.state);
    return true;
  }

  /** Where those followed are now; undefined before a retry's answer. */
  tally(): Tally | undefined {
    if (this.queued === 0) return undefined;
    const tally: Tally = {
      queued: this.queued,
      followed: this.states.size,
      waiting: 0,
      running: 0,
      delivered: 0,
      failedAgain: 0,
      discarded: 0,
    };
    for (const state of this.states.values()) tally[BUCKET[state]]++;
    return tally;
  }
}

/** A `RetriedFollower` fed by the console's event stream, re-rendering as those it follows move. */
export function useRetriedTally() {
  const stream = useEngineStream();
  const follower = useRef(new RetriedFollower()).current;
  const [, moved] = useReducer((n: number) => n + 1, 0);
  useEffect(
    () =>
      stream.subscribe((t) => {
        if (follower.apply(t)) moved();
      }),
    [stream, follower],
  );
  return {
    tally: follower.tally(),
    sending: () => follower.sending(),
    abandon: () => follower.abandon(),
    follow: (ids: readonly string[], queued: number) => {
      follower.follow(ids, queued);
      moved();
    },
  };
}
