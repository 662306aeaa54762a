-- E2 (issue 14): the duplicate check searches a narrow table of names and keys, not customers.
-- Trigram indexes on customers would be maintained by every customer write (a claim is not a HOT
-- update; migration 0011 dropped one for costing claims a third of their throughput); this table is
-- written only when a customer is inserted or its name or key changes, by the triggers below, in
-- the same statement and so the same transaction.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- 春意 → 春春意意: each trigram of the doubled text is a pair of neighbouring characters, so a
-- LIKE '%春意%' (two characters: no trigram of its own) finds its rows through a trigram index.
-- The pairs are stored (generated columns), so an index hit is rechecked without a regexp per row.
CREATE OR REPLACE FUNCTION custodian_char_pairs(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace($1, '(.)', '\1\1', 'g')
$$;
--> statement-breakpoint
CREATE TABLE "customer_names" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"trade_name" text NOT NULL,
	"name_pairs" text GENERATED ALWAYS AS (custodian_char_pairs(name)) STORED,
	"trade_name_pairs" text GENERATED ALWAYS AS (custodian_char_pairs(trade_name)) STORED
);
--> statement-breakpoint
ALTER TABLE "customer_names" ADD CONSTRAINT "customer_names_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
INSERT INTO "customer_names" ("customer_id", "name", "trade_name") SELECT "id", "name", "trade_name" FROM "customers";
--> statement-breakpoint
-- Inserts: once per statement over its new rows (a bulk insert of a million customers is one
-- INSERT … SELECT here, not a million trigger calls).
CREATE OR REPLACE FUNCTION custodian_customer_names_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_names (customer_id, name, trade_name) SELECT id, name, trade_name FROM inserted;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER customers_names_inserted AFTER INSERT ON customers REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION custodian_customer_names_inserted();
--> statement-breakpoint
-- Updates: per row, and only for a statement that sets name or trade_name and changes one (a
-- column list and transition tables do not go together, and a claim must not pay for this).
CREATE OR REPLACE FUNCTION custodian_customer_names_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customer_names SET name = NEW.name, trade_name = NEW.trade_name WHERE customer_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER customers_names_changed AFTER UPDATE OF name, trade_name ON customers FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.trade_name IS DISTINCT FROM NEW.trade_name)
  EXECUTE FUNCTION custodian_customer_names_changed();
--> statement-breakpoint
CREATE TRIGGER customer_names_no_delete BEFORE DELETE ON customer_names FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
CREATE INDEX "customer_names_trade_name_idx" ON "customer_names" USING btree ("trade_name");--> statement-breakpoint
CREATE INDEX "customer_names_trade_name_trgm_idx" ON "customer_names" USING gin ("trade_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customer_names_trade_name_pairs_idx" ON "customer_names" USING gin ("trade_name_pairs" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customer_names_name_pairs_idx" ON "customer_names" USING gin ("name_pairs" gin_trgm_ops);
