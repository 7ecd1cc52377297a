-- Creates or repairs the application user that workloads log in as, with IAM authentication only.
--
-- Run by the in-cluster setup job as the RDS master user (a member of rds_superuser, not a superuser):
--   psql --no-psqlrc --single-transaction --set=ON_ERROR_STOP=1 --set=app_user=cdn_app --file=THIS
-- Idempotent: every run converges to the same state, so it can run any number of times.
--
-- The result, for app_user = cdn_app in database D:
--   role cdn_app: LOGIN, no password, member of rds_iam (so RDS accepts only IAM tokens for it),
--     NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
--   CONNECT and TEMPORARY on D;
--   schema cdn_app in D, owned by the master user: cdn_app may USE it and CREATE in it, and owns what
--     it creates there; search_path of cdn_app in D is cdn_app.
-- The schema stays the master's so that nothing here depends on the master being a member of cdn_app
-- (which PostgreSQL 16 no longer implies for a CREATEROLE user), and the app cannot drop it.

\set ON_ERROR_STOP on
SELECT set_config('cdn_setup.app_user', :'app_user', false) \gset setup_

DO $setup$
DECLARE
  app constant text := current_setting('cdn_setup.app_user');
  db constant text := current_database();
  r record;
BEGIN
  IF app !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
    RAISE EXCEPTION 'app_user % is not a lowercase PostgreSQL identifier', app;
  END IF;
  IF app = current_user THEN
    RAISE EXCEPTION 'app_user % must not be the user running this script', app;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_iam') THEN
    RAISE EXCEPTION 'role rds_iam does not exist: this is not an RDS database with IAM authentication';
  END IF;

  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = app) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', app);
    RAISE NOTICE 'created role %', app;
  END IF;
  SELECT rolsuper, rolreplication, rolbypassrls INTO r FROM pg_catalog.pg_roles WHERE rolname = app;
  IF r.rolsuper OR r.rolreplication OR r.rolbypassrls THEN
    -- Only a real superuser could undo these; the master user cannot, so stop loudly.
    RAISE EXCEPTION 'role % is a superuser, replication or bypassrls role; an administrator must fix it by hand', app;
  END IF;
  -- No password: with rds_iam membership, RDS accepts only IAM tokens for this role anyway.
  EXECUTE format('ALTER ROLE %I WITH LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD NULL', app);
  EXECUTE format('GRANT rds_iam TO %I', app);

  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, app);
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', app);
  EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', app, app);
  EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', app, db, app);
END
$setup$;

-- What the job's log shows (and a last check that the role is what it must be).
SELECT r.rolname AS app_user,
       r.rolcanlogin AS can_login,
       pg_catalog.pg_has_role(r.rolname, 'rds_iam', 'MEMBER') AS iam_auth_only,
       r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls AS privileged,
       pg_catalog.has_database_privilege(r.rolname, pg_catalog.current_database(), 'CONNECT') AS can_connect,
       pg_catalog.has_schema_privilege(r.rolname, r.rolname, 'USAGE,CREATE') AS can_use_schema
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = :'app_user';
