-- API processes keep the programmes and the postal codes they serve, to route intake without a
-- query. A change to that tells every process to read them again, at commit.
CREATE FUNCTION programmes_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('programmes_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER organisations_programmes_changed AFTER INSERT OR UPDATE OF type, service_area OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION programmes_changed_notify();
