-- T2 (issue 17): who belongs to which pool, and which pool a person's customers fall to, as SQL
-- functions, so that a claim's guard reads membership in the statement that reads the customer and
-- the sweeper's set-based expiry moves customers to their pools in one statement.

-- The departments from a user's own up to the root, nearest first.
CREATE FUNCTION custodian_department_chain(uid uuid) RETURNS TABLE (id uuid, pool_id uuid, depth int)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up(id, parent_id, pool_id, depth) AS (
    SELECT d.id, d.parent_id, d.pool_id, 0 FROM departments d JOIN users u ON u.department_id = d.id WHERE u.id = uid
    UNION ALL
    SELECT d.id, d.parent_id, d.pool_id, up.depth + 1 FROM departments d JOIN up ON d.id = up.parent_id WHERE up.depth < 64
  )
  SELECT id, pool_id, depth FROM up
$$;--> statement-breakpoint

-- The active pools a user belongs to: named as a member or admin, or through their department or
-- any department above it (a member department's whole subtree belongs).
CREATE FUNCTION custodian_member_pools(uid uuid) RETURNS SETOF uuid
LANGUAGE sql STABLE AS $$
  SELECT pu.pool_id FROM pool_users pu JOIN pools p ON p.id = pu.pool_id WHERE pu.user_id = uid AND p.active
  UNION
  SELECT pd.pool_id FROM pool_departments pd JOIN pools p ON p.id = pd.pool_id
  WHERE p.active AND pd.department_id IN (SELECT c.id FROM custodian_department_chain(uid) c)
$$;--> statement-breakpoint

-- The pool a user's customers fall to: the nearest department (own, then up) that names an active
-- pool; null when none does (the customer stays in the pool it came from).
CREATE FUNCTION custodian_department_pool(uid uuid) RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT c.pool_id FROM custodian_department_chain(uid) c JOIN pools p ON p.id = c.pool_id
  WHERE p.active ORDER BY c.depth LIMIT 1
$$;
