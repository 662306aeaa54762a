ALTER TABLE "customers" ADD COLUMN "level_note" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "referred_by_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_referred_by_id_customers_id_fk" FOREIGN KEY ("referred_by_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_referred_by_idx" ON "customers" USING btree ("referred_by_id") WHERE "customers"."referred_by_id" is not null;--> statement-breakpoint
-- V2: levels were free text. The pyramid's words (src/customers/customer-level.ts) become its
-- codes; any other value is kept, as it was written, in level_note, and the level is left empty.
UPDATE "customers" SET "level" = m."code", "level_note" = CASE WHEN m."code" IS NULL THEN "customers"."level" END
  FROM (SELECT "id", CASE
      WHEN upper(btrim("level")) IN ('VIP', 'VIP客户', '贵宾', '贵宾客户') THEN 'VIP'
      WHEN upper(btrim("level")) IN ('MAJOR', '主要', '主要客户', '大客户', '重要客户') THEN 'MAJOR'
      WHEN upper(btrim("level")) IN ('ORDINARY', '普通', '普通客户', '一般客户') THEN 'ORDINARY'
      WHEN upper(btrim("level")) IN ('SMALL', '小', '小客户') THEN 'SMALL'
    END AS "code" FROM "customers" WHERE "level" IS NOT NULL) m
  WHERE m."id" = "customers"."id";--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_level_check" CHECK ("customers"."level" in ('VIP', 'MAJOR', 'ORDINARY', 'SMALL'));