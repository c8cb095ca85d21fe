CREATE TABLE "engines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"address" text,
	"config_version" text,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL,
	"stopped_at" bigint,
	"adopted_by" uuid,
	"adopted_at" bigint
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "owner" uuid;--> statement-breakpoint
ALTER TABLE "orchestrations" ADD COLUMN "owner" uuid;--> statement-breakpoint
CREATE INDEX "messages_owner_unfinished" ON "messages" USING btree ("owner") WHERE state IN ('PENDING', 'DISPATCHED');