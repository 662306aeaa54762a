CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"customer_id" uuid,
	"transition_id" bigint,
	"once_key" text,
	"text_zh" text NOT NULL,
	"text_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_recipient_id_users_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_transition_id_transitions_id_fk" FOREIGN KEY ("transition_id") REFERENCES "public"."transitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_inbox_idx" ON "notifications" USING btree ("recipient_id","created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("recipient_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_once_idx" ON "notifications" USING btree ("recipient_id","kind","subject_id","once_key") WHERE "notifications"."once_key" is not null;--> statement-breakpoint
-- E6: notifications are never deleted either (read ones stay, marked read).
CREATE TRIGGER notifications_no_delete BEFORE DELETE ON notifications FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
-- Announcements for subscriptions (issue 16 §4): pg_notify inside the writing transaction is
-- delivered after it commits, to every listening process, and never when it rolls back.
CREATE OR REPLACE FUNCTION custodian_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'notifications' THEN
    PERFORM pg_notify('custodian_events', json_build_object('type', 'notification', 'id', NEW.id, 'recipientId', NEW.recipient_id)::text);
  ELSIF TG_TABLE_NAME = 'customers' THEN
    PERFORM pg_notify('custodian_events', json_build_object('type', 'customer', 'id', NEW.id, 'state', NEW.state, 'version', NEW.version, 'custodianId', NEW.custodian_id)::text);
  ELSIF TG_TABLE_NAME = 'applications' THEN
    PERFORM pg_notify('custodian_events', json_build_object('type', 'application', 'id', NEW.id, 'state', NEW.state, 'version', NEW.version,
      'role', NEW.snapshot -> 'context' -> 'steps' -> ((NEW.snapshot -> 'context' ->> 'step')::int) ->> 'role',
      'previousRole', CASE WHEN TG_OP = 'UPDATE' THEN OLD.snapshot -> 'context' -> 'steps' -> ((OLD.snapshot -> 'context' ->> 'step')::int) ->> 'role' END)::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notifications_announce AFTER INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION custodian_announce();
--> statement-breakpoint
CREATE TRIGGER customers_announce AFTER INSERT OR UPDATE OF version ON customers FOR EACH ROW EXECUTE FUNCTION custodian_announce();
--> statement-breakpoint
CREATE TRIGGER applications_announce AFTER INSERT OR UPDATE OF version ON applications FOR EACH ROW EXECUTE FUNCTION custodian_announce();
