CREATE TABLE "follow_up_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"assignee_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"follow_up_id" uuid,
	"done_by_follow_up_id" uuid,
	"state" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"machine_version" integer DEFAULT 1 NOT NULL,
	"deadline_at" timestamp with time zone,
	"deadline_event" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "follow_up_plans" ADD CONSTRAINT "follow_up_plans_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_plans" ADD CONSTRAINT "follow_up_plans_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_plans" ADD CONSTRAINT "follow_up_plans_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_plans" ADD CONSTRAINT "follow_up_plans_done_by_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("done_by_follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_up_plans_customer_idx" ON "follow_up_plans" USING btree ("customer_id","state");--> statement-breakpoint
CREATE INDEX "follow_up_plans_assignee_idx" ON "follow_up_plans" USING btree ("assignee_id","due_at");--> statement-breakpoint
CREATE INDEX "follow_up_plans_deadline_idx" ON "follow_up_plans" USING btree ("deadline_at") WHERE "follow_up_plans"."deadline_at" is not null;--> statement-breakpoint
CREATE TRIGGER follow_up_plans_no_delete BEFORE DELETE ON follow_up_plans FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
-- F6: each held customer's latest next contact time becomes a planned plan for its custodian (with
-- its CREATE history row); a plan whose time has passed goes due at the first sweep.
WITH latest AS (
	SELECT DISTINCT ON (f.customer_id) f.id AS follow_up_id, f.customer_id, f.next_contact_at
	FROM follow_ups f
	ORDER BY f.customer_id, f.created_at DESC, f.id DESC
), opened AS (
	INSERT INTO "follow_up_plans" ("customer_id", "assignee_id", "due_at", "follow_up_id", "state", "snapshot", "deadline_at", "deadline_event")
	SELECT l.customer_id, c.custodian_id, l.next_contact_at, l.follow_up_id, 'planned',
		jsonb_build_object('status', 'active', 'value', 'planned', 'historyValue', '{}'::jsonb, 'context', jsonb_build_object('customerId', l.customer_id), 'children', '{}'::jsonb),
		l.next_contact_at, 'PLAN_DUE'
	FROM latest l JOIN customers c ON c.id = l.customer_id
	WHERE l.next_contact_at IS NOT NULL AND c.custodian_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM follow_up_plans p WHERE p.customer_id = l.customer_id)
	RETURNING id
)
INSERT INTO "transitions" ("entity_type", "entity_id", "machine", "machine_version", "event", "from_state", "to_state", "actor_id", "reason", "payload")
SELECT 'followUpPlan', id, 'followUpPlan', 1, 'CREATE', NULL, 'planned', NULL, 'backfilled from the latest follow-up (migration 0018)', '{}'::jsonb FROM opened;
