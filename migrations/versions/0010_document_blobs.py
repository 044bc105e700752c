"""document bytes in the database (shared by every web host)

``document_blobs`` holds each document's bytes under its storage key, written in the same
transaction as the ``documents`` row. On PostgreSQL the column is stored EXTERNAL (out of line,
uncompressed: uploads are PDF/JPEG/PNG, already compressed), so reading a slice with
``substr`` fetches only the TOAST chunks it needs and a download streams.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_blobs",
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["storage_key"], ["documents.storage_key"],
            name=op.f("fk_document_blobs_storage_key_documents"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("storage_key", name=op.f("pk_document_blobs")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE document_blobs ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table("document_blobs")
