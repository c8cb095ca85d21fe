import { EngineError } from '@organism/shared';

/**
 * The most event streams one user may hold open on one engine at once. A console tab holds one; each costs
 * the engine its share of every push (the stream's reads and encoding run on its thread), so one session
 * opening hundreds would slow the pump for everyone.
 */
export const MAX_STREAMS_PER_USER = 32;

const held = new WeakMap<object, Map<string, number>>();

/**
 * Takes one of `user`'s stream slots on `engine`, or refuses with RATE_LIMITED when all are held. Returns
 * the slot's release, which may be called more than once (the stream's end and its caller's going away).
 */
export function takeStreamSlot(engine: object, user: string): () => void {
  let byUser = held.get(engine);
  if (!byUser) held.set(engine, (byUser = new Map<string, number>()));
  const open = byUser.get(user) ?? 0;
  if (open >= MAX_STREAMS_PER_USER)
    throw new EngineError(
      'RATE_LIMITED',
      `you have ${MAX_STREAMS_PER_USER} live event streams open, the most one user may: close some tabs of the console (or other clients' streams), then connect again`,
    );
  byUser.set(user, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (byUser.get(user) ?? 1) - 1;
    if (left > 0) byUser.set(user, left);
    else byUser.delete(user);
  };
}
