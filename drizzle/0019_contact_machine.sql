-- F5 (issue 16 §1): contacts are run by the `contact` machine (active → left → active). Existing
-- contacts start as active instances of version 1, with the persisted snapshot engine.initial
-- writes for a new contact, and a CREATE history row by whoever added them.
ALTER TABLE "contacts" ADD COLUMN "left_on" date;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "left_note" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "state" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "state" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "snapshot" jsonb DEFAULT '{"status":"active","value":"active","historyValue":{},"context":{"leftOn":null,"leftNote":null},"children":{}}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "snapshot" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "machine_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "deadline_event" text;--> statement-breakpoint
INSERT INTO "transitions" ("entity_type", "entity_id", "machine", "machine_version", "event", "from_state", "to_state", "actor_id", "reason", "payload", "created_at")
SELECT 'contact', "id", 'contact', 1, 'CREATE', NULL, 'active', "created_by_id", NULL, jsonb_build_object('migration', '0019'), "created_at"
FROM "contacts"
ORDER BY "created_at", "id";
