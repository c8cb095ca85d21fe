CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"producers" jsonb,
	"hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	"last_used_at" bigint,
	CONSTRAINT "api_tokens_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "audit" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"detail" text,
	"outcome" text NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "extension_cursors" (
	"extension" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "extension_failures" (
	"id" text PRIMARY KEY NOT NULL,
	"extension" text NOT NULL,
	"handler" text NOT NULL,
	"seq" bigint NOT NULL,
	"event" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"next_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_counts" (
	"state" text PRIMARY KEY NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
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
	"words" "tsvector"
);
--> statement-breakpoint
CREATE TABLE "orchestrations" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"thread_id" text NOT NULL,
	"spec" text NOT NULL,
	"state" text NOT NULL,
	"status" text NOT NULL,
	"deadline" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paused_listeners" (
	"name" text PRIMARY KEY NOT NULL,
	"paused_by" text NOT NULL,
	"paused_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "republishes" (
	"message_id" text PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"actor" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"first_at" bigint NOT NULL,
	"last_at" bigint NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"open" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"participants" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transitions" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "transitions_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" uuid NOT NULL,
	"thread_id" uuid,
	"state" text NOT NULL,
	"attempt" integer NOT NULL,
	"error_code" text,
	"detail" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE INDEX "audit_at" ON "audit" USING btree ("at");--> statement-breakpoint
CREATE INDEX "extension_failures_due" ON "extension_failures" USING btree ("extension","next_at");--> statement-breakpoint
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
CREATE INDEX "orchestrations_running" ON "orchestrations" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "orchestrations_thread" ON "orchestrations" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "republishes_source" ON "republishes" USING btree ("source_id","at");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "threads_last" ON "threads" USING btree ("last_at","id");--> statement-breakpoint
CREATE INDEX "threads_failed_last" ON "threads" USING btree ("last_at","id") WHERE open = 0 AND failed > 0;--> statement-breakpoint
CREATE INDEX "transitions_message" ON "transitions" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "transitions_at" ON "transitions" USING btree ("at");--> statement-breakpoint
-- One row per state from the start: the journal's writes add to them, stats read them (never count rows).
INSERT INTO "journal_counts" ("state", "n") VALUES ('PENDING', 0), ('DISPATCHED', 0), ('ACKED', 0), ('FAILED', 0);
