CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"category" text NOT NULL,
	"severity" text NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"opened_by_id" uuid NOT NULL,
	"handler_id" uuid NOT NULL,
	"resolution" text,
	"resolved_on_first_contact" boolean,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
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
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_opened_by_id_users_id_fk" FOREIGN KEY ("opened_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_handler_id_users_id_fk" FOREIGN KEY ("handler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_customer_idx" ON "complaints" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "complaints_handler_idx" ON "complaints" USING btree ("handler_id","state");--> statement-breakpoint
CREATE INDEX "complaints_created_idx" ON "complaints" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "complaints_deadline_idx" ON "complaints" USING btree ("deadline_at") WHERE "complaints"."deadline_at" is not null;--> statement-breakpoint
-- E6: complaints are never hard-deleted, as every other record.
CREATE TRIGGER complaints_no_delete BEFORE DELETE ON "complaints" FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
