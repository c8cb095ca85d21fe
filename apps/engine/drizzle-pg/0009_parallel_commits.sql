-- Engines commit in parallel (docs/scale-out.md, "The event log").
--
-- journal_counts in shards: each engine adds to a shard of its own, so batches of different engines
-- never wait on each other's row lock. Readers sum the shards.
ALTER TABLE "journal_counts" ADD COLUMN "shard" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "journal_counts" DROP CONSTRAINT "journal_counts_pkey";--> statement-breakpoint
ALTER TABLE "journal_counts" ADD CONSTRAINT "journal_counts_state_shard_pk" PRIMARY KEY("state","shard");--> statement-breakpoint
-- The event log without a lock held to the commit. A batch that is about to add transitions first marks
-- itself with a shared transaction lock keyed by the highest sequence number given out so far (its own
-- will all be higher), taken while it holds the allocation lock for a moment; the mark lasts until it
-- commits or rolls back. A reader of the log asks log_horizon() for the highest sequence number below
-- which nothing can still commit: the lowest mark in place, or, with none, the highest number given out.
-- Both take the allocation lock (readers shared), so no batch is between reading the bound and placing
-- its mark while a reader looks. Marks use the two-key lock form (keys: the schema's mark space, the
-- bound's low 32 bits, unwrapped against the reader's own bound).
CREATE FUNCTION log_mark() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  alloc int := hashtext(current_schema() || '/log-alloc');
  marks int := hashtext(current_schema() || '/log-marks');
  bound bigint;
BEGIN
  -- Taken inside the block: a cancel or an error at any point after it gives the session lock back.
  BEGIN
    PERFORM pg_advisory_lock(alloc, 0);
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO bound FROM transitions_seq_seq;
    PERFORM pg_advisory_xact_lock_shared(marks,
      ((bound & 4294967295) - CASE WHEN (bound & 4294967295) >= 2147483648 THEN 4294967296 ELSE 0 END)::int);
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    PERFORM pg_advisory_unlock(alloc, 0);
    RAISE;
  END;
  PERFORM pg_advisory_unlock(alloc, 0);
END $$;--> statement-breakpoint
CREATE FUNCTION log_horizon() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  alloc int := hashtext(current_schema() || '/log-alloc');
  marks bigint := hashtext(current_schema() || '/log-marks')::bigint & 4294967295;
  bound bigint;
  below bigint;
BEGIN
  BEGIN
    PERFORM pg_advisory_lock_shared(alloc, 0);
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO bound FROM transitions_seq_seq;
    SELECT max((bound - l.objid::bigint) & 4294967295) INTO below FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid::bigint = marks
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    PERFORM pg_advisory_unlock_shared(alloc, 0);
    RAISE;
  END;
  PERFORM pg_advisory_unlock_shared(alloc, 0);
  RETURN bound - coalesce(below, 0);
END $$;
