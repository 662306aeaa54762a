ALTER TABLE "customers" ADD COLUMN "credit_limit" numeric(17, 2);--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "credit_term_days" integer;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "contract_id" uuid;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;