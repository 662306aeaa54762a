CREATE INDEX "application_decisions_time_idx" ON "application_decisions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "applications_decided_idx" ON "applications" USING btree ("kind","decided_at") WHERE "applications"."decided_at" is not null;--> statement-breakpoint
CREATE INDEX "contracts_confirmed_idx" ON "contracts" USING btree ("confirmed_at") WHERE "contracts"."confirmed_at" is not null;--> statement-breakpoint
CREATE INDEX "payments_paid_idx" ON "payments" USING btree ("paid_at");--> statement-breakpoint
-- Reports (issue 18): the funnel's and performance report's events in a period, covering (an
-- index-only scan counts them; from_state tells a first signing, actor_id who claimed).
CREATE INDEX "transitions_event_time_idx" ON "transitions" USING btree ("machine", "event", "created_at") INCLUDE ("actor_id", "from_state");--> statement-breakpoint
-- Moves into and out of the pool, for the pool-flow report (the event is the reason).
CREATE INDEX "transitions_pool_flow_idx" ON "transitions" USING btree ("created_at") INCLUDE ("event")
  WHERE "machine" = 'customer' AND ("to_state" = 'pool' OR "from_state" = 'pool') AND "to_state" IS DISTINCT FROM "from_state";--> statement-breakpoint
-- Customers entered in a period, by whom (the performance report).
CREATE INDEX "customers_entered_idx" ON "customers" USING btree ("created_at") INCLUDE ("created_by_id");
