-- P2/A4 (issue 13): a pending application holds its customer's term (src/workflow/hold.ts), and no
-- application stays pending for a customer that can no longer take its decision. Existing rows are
-- brought in line, each change with its history row:
-- 1. a pending application whose customer left the state it was made in closes as lapsed;
-- 2. every other pending application holds its customer: the customer's deadline moves into its
--    machine context (heldBy, heldDeadline), recorded as one APPLICATION_OPENED per application.
WITH lapsed AS (
  UPDATE "applications" a SET
    "state" = 'lapsed',
    "snapshot" = jsonb_set(jsonb_set(a."snapshot", '{value}', '"lapsed"'), '{status}', '"done"'),
    "version" = a."version" + 1,
    "updated_at" = now()
  FROM "customers" c
  WHERE c."id" = a."customer_id" AND a."state" = 'pending' AND NOT (
    (a."kind" = 'PROTECTION' AND c."state" = 'prospect.pendingAudit')
    OR (a."kind" = 'INTENT' AND c."state" = 'prospect.protected')
    OR (a."kind" = 'EXTENSION' AND c."state" IN ('prospect.protected', 'intent'))
  )
  RETURNING a."id", a."machine_version", c."state" AS "customer_state"
)
INSERT INTO "transitions" ("entity_type", "entity_id", "machine", "machine_version", "event", "from_state", "to_state", "actor_id", "reason", "payload", "created_at")
SELECT 'application', "id", 'application', "machine_version", 'LAPSE', 'pending', 'lapsed', NULL,
  'The customer is no longer in a state this application applies to', jsonb_build_object('customerState', "customer_state", 'migration', '0012'), now()
FROM lapsed;
--> statement-breakpoint
INSERT INTO "transitions" ("entity_type", "entity_id", "machine", "machine_version", "event", "from_state", "to_state", "actor_id", "reason", "payload", "created_at")
SELECT 'customer', c."id", 'customer', c."machine_version", 'APPLICATION_OPENED', c."state", c."state", a."applicant_id", NULL,
  jsonb_build_object('via', 'application', 'applicationId', a."id", 'kind', a."kind", 'deadlineAt', NULL, 'migration', '0012'), now()
FROM "applications" a JOIN "customers" c ON c."id" = a."customer_id"
WHERE a."state" = 'pending'
ORDER BY a."created_at", a."id";
--> statement-breakpoint
UPDATE "customers" c SET
  "snapshot" = jsonb_set(c."snapshot", '{context}', coalesce(c."snapshot" -> 'context', '{}'::jsonb) || jsonb_build_object(
    'heldBy', h."ids",
    'heldDeadline', jsonb_build_object('at', to_jsonb(c."deadline_at"), 'event', c."deadline_event")
  )),
  "deadline_at" = NULL,
  "deadline_event" = NULL,
  "version" = c."version" + h."n",
  "updated_at" = now()
FROM (
  SELECT "customer_id", jsonb_agg("id"::text ORDER BY "created_at", "id") AS "ids", count(*)::integer AS "n"
  FROM "applications" WHERE "state" = 'pending' GROUP BY "customer_id"
) h
WHERE h."customer_id" = c."id";
