CREATE TABLE "deadline_failures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"machine" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"event" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"first_failed_at" timestamp with time zone NOT NULL,
	"last_failed_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deadline_failures_open_key" ON "deadline_failures" USING btree ("machine","entity_id") WHERE "deadline_failures"."resolved_at" is null;