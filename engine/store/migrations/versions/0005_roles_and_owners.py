"""roles and owners: analysts and integration users; a definition's owners

Existing definitions are owned by whoever uploaded their first version (the rule before owners
existed). Nobody becomes an analyst by this migration: an administrator grants it (the users
page, PATCH /api/v1/users/NAME, or charkh user add NAME --analyst), so that plain users who
uploaded under the old rule do not keep writing scripts unnoticed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('is_analyst', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('is_integration', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'definition_owners',
        sa.Column('key', sa.String(255), sa.ForeignKey('definitions.key', ondelete='CASCADE'), primary_key=True),
        sa.Column('user_name', sa.String(150), primary_key=True),
    )
    op.execute(
        "INSERT INTO definition_owners (key, user_name) "
        "SELECT v.key, v.created_by FROM definition_versions v "
        "WHERE v.created_by IS NOT NULL AND v.version = "
        "(SELECT MIN(first.version) FROM definition_versions first WHERE first.key = v.key)"
    )


def downgrade() -> None:
    op.drop_table('definition_owners')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('is_integration')
        batch.drop_column('is_analyst')
