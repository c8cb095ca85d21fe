CREATE TABLE "rolling_restarts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rolling_restarts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"leader" uuid NOT NULL,
	"drain_ms" integer NOT NULL,
	"started_at" bigint NOT NULL,
	"ended_at" bigint,
	"outcome" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rolling_restarts_open" ON "rolling_restarts" USING btree ((true)) WHERE ended_at IS NULL;