-- Retention by dropping days (docs/scale-out.md, "Retention"; pg-partitions.ts).
--
-- messages and transitions become tables partitioned by `part`: one partition per day (days since 1970),
-- created ahead by the engines, and `*_kept` for part 0, which holds what retention keeps past its day
-- (dead letters, unfinished entries) and every row written before this migration. Retention drops a
-- day's partitions once the whole day is older than journal.retainDays, after moving what it keeps into
-- the kept partitions; the kept partitions are pruned row by row as before.
--
-- The tables as they are become the kept partitions, without rewriting a row: renamed with their
-- indexes, given `part` = 0, and attached under new partitioned tables whose indexes match theirs. Each
-- identity column moves to the new table with its sequence's position, so numbering goes on. The
-- partitioned tables have no primary key: each partition has its own on `id` (`seq` for transitions)
-- alone, which a key including `part` could not be, and which tells the planner an id is one row.
CREATE TABLE "journal_days" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"lo" integer NOT NULL,
	"hi" integer NOT NULL
);
--> statement-breakpoint
INSERT INTO "journal_days" (id, lo, hi) VALUES (1, 1, 0);
--> statement-breakpoint
ALTER TABLE "messages" RENAME TO "messages_kept";
--> statement-breakpoint
ALTER INDEX "messages_created" RENAME TO "messages_kept_created";
--> statement-breakpoint
ALTER INDEX "messages_error_created" RENAME TO "messages_kept_error_created";
--> statement-breakpoint
ALTER INDEX "messages_failed_groups" RENAME TO "messages_kept_failed_groups";
--> statement-breakpoint
ALTER INDEX "messages_from_created" RENAME TO "messages_kept_from_created";
--> statement-breakpoint
ALTER INDEX "messages_orchestration_answers" RENAME TO "messages_kept_orchestration_answers";
--> statement-breakpoint
ALTER INDEX "messages_owner_unfinished" RENAME TO "messages_kept_owner_unfinished";
--> statement-breakpoint
ALTER INDEX "messages_root_created" RENAME TO "messages_kept_root_created";
--> statement-breakpoint
ALTER INDEX "messages_seq" RENAME TO "messages_kept_seq";
--> statement-breakpoint
ALTER INDEX "messages_state_created" RENAME TO "messages_kept_state_created";
--> statement-breakpoint
ALTER INDEX "messages_thread_created" RENAME TO "messages_kept_thread_created";
--> statement-breakpoint
ALTER INDEX "messages_to_created" RENAME TO "messages_kept_to_created";
--> statement-breakpoint
ALTER INDEX "messages_unowned" RENAME TO "messages_kept_unowned";
--> statement-breakpoint
ALTER INDEX "messages_words" RENAME TO "messages_kept_words";
--> statement-breakpoint
ALTER TABLE "messages_kept" RENAME CONSTRAINT "messages_pkey" TO "messages_kept_pkey";
--> statement-breakpoint
ALTER TABLE "messages_kept" ADD COLUMN "part" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "messages_seq_seq1" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"part" integer DEFAULT 0 NOT NULL,
	"thread_id" uuid,
	"parent_id" uuid,
	"from_name" text,
	"to_name" text,
	"root" text,
	"kind" text NOT NULL,
	"chain" text DEFAULT '[]' NOT NULL,
	"payload" text,
	"raw" text,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error_detail" text,
	"next_attempt_at" bigint,
	"egress" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"words" "tsvector",
	"owner" uuid
) PARTITION BY RANGE ("part");
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('messages', 'seq'), last_value, is_called) FROM "messages_seq_seq";
--> statement-breakpoint
ALTER TABLE "messages_kept" ALTER COLUMN "seq" DROP IDENTITY;
--> statement-breakpoint
ALTER SEQUENCE "messages_seq_seq1" RENAME TO "messages_seq_seq";
--> statement-breakpoint
ALTER TABLE "messages" ATTACH PARTITION "messages_kept" FOR VALUES FROM (MINVALUE) TO (1);
--> statement-breakpoint
ALTER TABLE "transitions" RENAME TO "transitions_kept";
--> statement-breakpoint
ALTER INDEX "transitions_at" RENAME TO "transitions_kept_at";
--> statement-breakpoint
ALTER INDEX "transitions_message" RENAME TO "transitions_kept_message";
--> statement-breakpoint
ALTER TABLE "transitions_kept" RENAME CONSTRAINT "transitions_pkey" TO "transitions_kept_pkey";
--> statement-breakpoint
ALTER TABLE "transitions_kept" ADD COLUMN "part" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE TABLE "transitions" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "transitions_seq_seq1" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"part" integer DEFAULT 0 NOT NULL,
	"message_id" uuid NOT NULL,
	"thread_id" uuid,
	"state" text NOT NULL,
	"attempt" integer NOT NULL,
	"error_code" text,
	"detail" text,
	"at" bigint NOT NULL
) PARTITION BY RANGE ("part");
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('transitions', 'seq'), last_value, is_called) FROM "transitions_seq_seq";
--> statement-breakpoint
ALTER TABLE "transitions_kept" ALTER COLUMN "seq" DROP IDENTITY;
--> statement-breakpoint
ALTER SEQUENCE "transitions_seq_seq1" RENAME TO "transitions_seq_seq";
--> statement-breakpoint
ALTER TABLE "transitions" ATTACH PARTITION "transitions_kept" FOR VALUES FROM (MINVALUE) TO (1);
--> statement-breakpoint
-- The same indexes as before on the partitioned tables: each finds its twin on the kept partition.
CREATE INDEX "messages_state_created" ON "messages" USING btree ("state","created_at","to_name","from_name","root");--> statement-breakpoint
CREATE INDEX "messages_thread_created" ON "messages" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_to_created" ON "messages" USING btree ("to_name","created_at","from_name","root");--> statement-breakpoint
CREATE INDEX "messages_from_created" ON "messages" USING btree ("from_name","created_at","to_name","root");--> statement-breakpoint
CREATE INDEX "messages_root_created" ON "messages" USING btree ("root","created_at","to_name","from_name");--> statement-breakpoint
CREATE INDEX "messages_error_created" ON "messages" USING btree ("error_code","created_at","to_name","from_name","root") WHERE error_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_created" ON "messages" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "messages_failed_groups" ON "messages" USING btree ("to_name","error_code","updated_at","kind") WHERE state = 'FAILED';--> statement-breakpoint
CREATE INDEX "messages_seq" ON "messages" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "messages_words" ON "messages" USING gin ("words");--> statement-breakpoint
CREATE INDEX "messages_owner_unfinished" ON "messages" USING btree ("owner") WHERE state IN ('PENDING', 'DISPATCHED');--> statement-breakpoint
CREATE INDEX "messages_unowned" ON "messages" USING btree ("to_name","seq") WHERE owner IS NULL AND state IN ('PENDING', 'DISPATCHED');--> statement-breakpoint
CREATE INDEX "messages_orchestration_answers" ON "messages" USING btree ("parent_id") WHERE to_name IN ('system.sequence', 'system.buffer');--> statement-breakpoint
CREATE INDEX "transitions_message" ON "transitions" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "transitions_at" ON "transitions" USING btree ("at");