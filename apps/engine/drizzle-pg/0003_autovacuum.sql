-- Autovacuum for the hot tables (docs/scale-out.md, "The hot table"). The defaults wait for 20% of a
-- table to be dead before vacuuming it: on a journal of 10M entries, each updated twice on its way to
-- ACKED, that is 2M dead rows of bloat in the table and its indexes before anything is reclaimed.
-- messages: vacuum at 1% dead (and at 2% newly inserted, which keeps the visibility map fresh for
-- index-only scans), analyze at 0.5% changed, and let the vacuum work ten times harder before it naps.
ALTER TABLE "messages" SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.005,
  autovacuum_vacuum_cost_limit = 2000
);--> statement-breakpoint
-- transitions and threads: insert-mostly; the same so their index-only scans stay index-only.
ALTER TABLE "transitions" SET (
  autovacuum_vacuum_insert_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.01
);--> statement-breakpoint
ALTER TABLE "threads" SET (
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.01
);--> statement-breakpoint
-- journal_counts: four rows updated by every batch. Half of each page left free so an update stays on
-- its page (a HOT update: its key never changes), and vacuumed after 200 dead versions whatever its size.
ALTER TABLE "journal_counts" SET (
  fillfactor = 50,
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 200
);--> statement-breakpoint
-- engines: one heartbeat per engine every 500 ms.
ALTER TABLE "engines" SET (
  fillfactor = 50,
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 500
);
