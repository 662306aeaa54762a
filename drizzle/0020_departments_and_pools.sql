-- T1/T2 (issue 17): departments form a tree and pools are several. Every existing user joins the
-- root department (总部) and every existing customer the default pool (公海), whose member is the
-- root department (its whole subtree: everyone), so nothing anyone sees or may claim changes.
-- Both rows carry a fixed time, so every database (and the recorded demo) agrees on them.
CREATE TABLE "departments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"parent_id" uuid,
	"pool_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pool_departments" (
	"pool_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	CONSTRAINT "pool_departments_pool_id_department_id_pk" PRIMARY KEY("pool_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "pool_users" (
	"pool_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"admin" boolean DEFAULT false NOT NULL,
	CONSTRAINT "pool_users_pool_id_user_id_pk" PRIMARY KEY("pool_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "pools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"policy" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
INSERT INTO "departments" ("id", "name", "parent_id", "created_at", "updated_at") VALUES ('00000000-0000-4000-8000-000000000001', '总部 Head office', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');--> statement-breakpoint
INSERT INTO "pools" ("id", "name", "created_at", "updated_at") VALUES ('00000000-0000-4000-8000-000000000002', '公海 Public pool', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');--> statement-breakpoint
INSERT INTO "pool_departments" ("pool_id", "department_id") VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001');--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "department_id" uuid DEFAULT '00000000-0000-4000-8000-000000000001' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "scope" text DEFAULT 'DEPARTMENT' NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pool_id" uuid DEFAULT '00000000-0000-4000-8000-000000000002' NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_parent_id_departments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_departments" ADD CONSTRAINT "pool_departments_pool_id_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."pools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_departments" ADD CONSTRAINT "pool_departments_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_users" ADD CONSTRAINT "pool_users_pool_id_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."pools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_users" ADD CONSTRAINT "pool_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "departments_sibling_name_key" ON "departments" USING btree (coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid),lower("name"));--> statement-breakpoint
CREATE INDEX "departments_parent_idx" ON "departments" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "pool_departments_department_idx" ON "pool_departments" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "pool_users_user_idx" ON "pool_users" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pools_name_key" ON "pools" USING btree (lower("name"));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_pool_id_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."pools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_department_idx" ON "users" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "customers_pool_idx" ON "customers" USING btree ("pool_id","stage");--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_pool_id_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."pools"("id") ON DELETE no action ON UPDATE no action;