-- E6: nothing is ever deleted. The application has no delete path; this makes the database
-- refuse one too (a script, a console, a bug). TRUNCATE is left for operators.
CREATE OR REPLACE FUNCTION custodian_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are never deleted (E6)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER users_no_delete BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER customers_no_delete BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER follow_ups_no_delete BEFORE DELETE ON follow_ups FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions FOR EACH ROW EXECUTE FUNCTION custodian_refuse_delete();
