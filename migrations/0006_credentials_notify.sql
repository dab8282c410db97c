-- API processes cache who a key belongs to. A change to what that answer is made of (a revocation
-- above all) tells every process to forget what it cached, at commit. Not last_used_at.
CREATE FUNCTION credentials_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('credentials_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER api_clients_changed AFTER UPDATE OF revoked_at, scopes, key_hash, organisation_id OR DELETE ON api_clients
  FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed_notify();
--> statement-breakpoint
CREATE TRIGGER organisations_changed AFTER UPDATE OF type OR DELETE ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed_notify();
