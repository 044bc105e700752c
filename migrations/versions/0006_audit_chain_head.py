"""audit chain head under its lock in one call (PostgreSQL only)

``audit_chain_head(lock_id)`` takes the chain's transaction-level advisory lock and then reads
the last event. It is VOLATILE plpgsql, so its SELECT takes a fresh snapshot *after* the lock is
granted: it sees the event the previous holder committed (one statement that locked and read
would read with the snapshot taken before it waited, and fork the chain). One round trip
instead of two on every audited change.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_head(lock_id bigint)
RETURNS TABLE (seq bigint, hash varchar, occurred_dt timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_id);
    RETURN QUERY
        SELECT e.seq, e.hash::varchar, e.occurred_dt FROM audit_events e
        ORDER BY e.seq DESC LIMIT 1;
END
$$;
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(HEAD_FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_chain_head(bigint)")
