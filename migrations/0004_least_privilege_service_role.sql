-- The service's least-privilege role (README, "Running on PostgreSQL"). Migrations run as the tables' owner; the
-- service connects as a login role that is a member of internkontroll_service (or of a role granted with
-- `npm run db:grant -- --role NAME`). Not being the owner, it cannot disable triggers, alter tables or truncate;
-- on the audit trail it may only add and read. Re-running the function is harmless.
CREATE OR REPLACE FUNCTION internkontroll_grant_service(service_role text) RETURNS void AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service_role) THEN
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', service_role);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- roles are cluster-wide: another database's migration created it at the same moment
    END;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', service_role);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', service_role);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', service_role);
  -- Events are appended and read, never changed. A chain's head row is moved forward in place by each write.
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I', service_role);
  EXECUTE format('REVOKE DELETE, TRUNCATE ON audit_chain_heads FROM %I', service_role);
  -- Tables later migrations create (as this same owner) get the ordinary grants without another step.
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', service_role);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', service_role);
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
REVOKE ALL ON FUNCTION internkontroll_grant_service(text) FROM PUBLIC;
--> statement-breakpoint
SELECT internkontroll_grant_service('internkontroll_service');
