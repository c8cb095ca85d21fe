// One round of the checkpointer thread (checkpointer-worker.mjs), apart so that tests can drive it.
// Plain JavaScript: the thread starts without tsx's loader.

/** Passes a round makes at most, however fast commits keep adding frames. */
export const MAX_PASSES = 8;
/** A pass that copied this many frames or fewer ends the round: what arrived meanwhile is that little. */
export const FEW_FRAMES = 128;

/**
 * Copies the WAL into the database file, then what commits added while it copied, and so on until a
 * pass copies few frames (each pass takes as long as its copy and its fsync, so the passes shorten),
 * or a reader keeps frames in the WAL, or the WAL started over. The engine's connection then copies
 * only the last pass's worth of frames between two of its own transactions (checkpointer.ts,
 * `finishRound`), and that copy and its fsync are what its commits wait for.
 * `pass` runs one `wal_checkpoint(PASSIVE)` and answers its row.
 */
export function checkpointRound(pass) {
  let r = pass();
  let passes = 1;
  let copied;
  while (passes < MAX_PASSES && r.checkpointed === r.log) {
    const before = r.checkpointed;
    r = pass();
    passes++;
    copied = r.checkpointed - before;
    // Few frames arrived while the last pass copied; or fewer than none: the engine's connection
    // started the WAL over meanwhile, and nothing is left to copy.
    if (copied <= FEW_FRAMES) break;
  }
  return { log: r.log, checkpointed: r.checkpointed, passes, copied: Math.max(0, copied ?? r.checkpointed) };
}
