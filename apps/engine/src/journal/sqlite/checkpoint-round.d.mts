/** A `wal_checkpoint` row: frames in the WAL, and frames copied into the database file. */
export interface CheckpointRow {
  log: number;
  checkpointed: number;
}

export declare const MAX_PASSES: number;
export declare const FEW_FRAMES: number;

/** One round of passes (checkpoint-round.mjs); `copied` is what the last pass copied. */
export declare function checkpointRound(
  pass: () => CheckpointRow,
): CheckpointRow & { passes: number; copied: number };
