CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL,
	"workflow" text NOT NULL,
	"document" jsonb NOT NULL,
	"changes" jsonb NOT NULL,
	"diff" jsonb NOT NULL,
	"author_id" uuid NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_version_key" ON "policy_versions" USING btree ("version");--> statement-breakpoint
CREATE INDEX "policy_versions_workflow_idx" ON "policy_versions" USING btree ("workflow","version");--> statement-breakpoint
CREATE TRIGGER policy_versions_no_delete BEFORE DELETE ON policy_versions FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
