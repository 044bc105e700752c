"""audit trail append-only in the database; restricted application role (PostgreSQL only)

On PostgreSQL:
* triggers refuse UPDATE, DELETE and TRUNCATE on audit_events, and UPDATE and DELETE on
  audit_checkpoints, for every role including the owner (a superuser can still disable them:
  that is what ``flask audit verify`` and the signed checkpoints are for);
* a NOLOGIN group role ``sibantu_app`` (created when the migrating role may create roles) gets
  SELECT/INSERT/UPDATE/DELETE on the application's tables, but only SELECT/INSERT on the audit
  tables and no TRUNCATE anywhere; production logs in as a member of it (app/audit/README.md).

On SQLite (the embedded development default) this migration does nothing: SQLite has no roles,
and the development database is not evidence.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: the group role the application logs in through (its name is fixed in the SQL below)
APP_ROLE = "sibantu_app"

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
TRIGGERS = (
    ("audit_events_append_only", "audit_events", "UPDATE OR DELETE"),
    ("audit_events_no_truncate", "audit_events", "TRUNCATE"),
    ("audit_checkpoints_append_only", "audit_checkpoints", "UPDATE OR DELETE"),
)

CREATE_ROLE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sibantu_app') THEN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = current_user
                   AND (rolsuper OR rolcreaterole)) THEN
            CREATE ROLE sibantu_app NOLOGIN;
        ELSE
            RAISE NOTICE 'role sibantu_app not created: ask the DBA (see app/audit/README.md)';
        END IF;
    END IF;
END
$$
"""

GRANTS = """
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sibantu_app') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO sibantu_app', current_database());
        GRANT USAGE ON SCHEMA public TO sibantu_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sibantu_app;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sibantu_app;
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM sibantu_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_checkpoints FROM sibantu_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sibantu_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sibantu_app;
    END IF;
END
$$
"""

REVOKES = """
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sibantu_app') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM sibantu_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            REVOKE USAGE, SELECT ON SEQUENCES FROM sibantu_app;
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sibantu_app;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM sibantu_app;
        REVOKE USAGE ON SCHEMA public FROM sibantu_app;
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM sibantu_app', current_database());
    END IF;
END
$$
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if not _postgresql():
        return
    op.execute(REFUSE_FUNCTION)
    for name, table, events in TRIGGERS:
        level = "STATEMENT" if events == "TRUNCATE" else "ROW"
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
            f"FOR EACH {level} EXECUTE FUNCTION audit_refuse_change()"
        )
    op.execute(CREATE_ROLE)
    op.execute(GRANTS)


def downgrade():
    """Drops the triggers and this database's grants; the cluster-wide role is left in place."""
    if not _postgresql():
        return
    op.execute(REVOKES)
    for name, table, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")
