CREATE TABLE "config_revisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "config_revisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"version" text NOT NULL,
	"yaml" text NOT NULL,
	"includes" jsonb NOT NULL,
	"actor" text NOT NULL,
	"engine" uuid NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "engines" ADD COLUMN "config_error" text;--> statement-breakpoint
ALTER TABLE "engines" ADD COLUMN "supervised" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "engines" ADD COLUMN "restart_drain_ms" integer;