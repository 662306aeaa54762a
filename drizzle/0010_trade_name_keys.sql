-- E1/E4: keys are re-derived in code at startup (src/customers/rules/e4-key-conflicts.ts), not here:
-- the derivation is TypeScript. Existing rows get trade_name_version 1, so they are re-derived once
-- (rows written later default to the current version, 2);
-- customers that then share a key are marked key_conflict, which the partial unique index exempts.
DROP INDEX "customers_trade_name_key";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "trade_name_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "trade_name_version" SET DEFAULT 2;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "key_conflict" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_trade_name_trgm_idx" ON "customers" USING gin ("trade_name" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "customers_trade_name_key" ON "customers" USING btree ("trade_name") WHERE "customers"."key_conflict" = false;