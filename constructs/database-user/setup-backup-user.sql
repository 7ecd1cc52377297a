-- Creates or repairs the read-only user the hourly logical dump logs in as, with IAM authentication
-- only. Runs in the same setup job and transaction as setup-app-user.sql, as the RDS master user:
--   psql ... --set=backup_user=cdn_backup --file=setup-app-user.sql --file=THIS
-- Idempotent: every run converges to the same state.
--
-- The result, for backup_user = cdn_backup in database D:
--   role cdn_backup: LOGIN, no password, member of rds_iam (RDS accepts only IAM tokens for it) and of
--     pg_read_all_data (SELECT on every table, view and sequence, USAGE on every schema: what pg_dump
--     reads), NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
--   CONNECT on D, and read-only transactions by default (it never writes).
-- So the dump needs no password at all: the master secret stays readable by the setup job alone.

\set ON_ERROR_STOP on
SELECT set_config('cdn_setup.backup_user', :'backup_user', false) \gset setup_

DO $setup$
DECLARE
  backup constant text := current_setting('cdn_setup.backup_user');
  db constant text := current_database();
  r record;
BEGIN
  IF backup !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
    RAISE EXCEPTION 'backup_user % is not a lowercase PostgreSQL identifier', backup;
  END IF;
  IF backup = current_user OR backup = current_setting('cdn_setup.app_user', true) THEN
    RAISE EXCEPTION 'backup_user % must be its own role (not the user running this script, not the application user)', backup;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_iam') THEN
    RAISE EXCEPTION 'role rds_iam does not exist: this is not an RDS database with IAM authentication';
  END IF;

  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = backup) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', backup);
    RAISE NOTICE 'created role %', backup;
  END IF;
  SELECT rolsuper, rolreplication, rolbypassrls INTO r FROM pg_catalog.pg_roles WHERE rolname = backup;
  IF r.rolsuper OR r.rolreplication OR r.rolbypassrls THEN
    RAISE EXCEPTION 'role % is a superuser, replication or bypassrls role; an administrator must fix it by hand', backup;
  END IF;
  EXECUTE format('ALTER ROLE %I WITH LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD NULL', backup);
  EXECUTE format('GRANT rds_iam TO %I', backup);
  EXECUTE format('GRANT pg_read_all_data TO %I', backup);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, backup);
  EXECUTE format('ALTER ROLE %I IN DATABASE %I SET default_transaction_read_only = on', backup, db);
END
$setup$;

-- What the job's log shows.
SELECT r.rolname AS backup_user,
       r.rolcanlogin AS can_login,
       pg_catalog.pg_has_role(r.rolname, 'rds_iam', 'MEMBER') AS iam_auth_only,
       pg_catalog.pg_has_role(r.rolname, 'pg_read_all_data', 'MEMBER') AS reads_all_data,
       r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls AS privileged
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = :'backup_user';
