"""sessions and tokens: tokens expire and can be revoked; sign-in failures are counted

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 06:50:00
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# Tokens issued before tokens expired get the default lifetime (engine/settings.py
# DEFAULT_TOKEN_DAYS) from the upgrade on, rather than none.
EXISTING_TOKEN_DAYS = 90


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tokens') as batch:
        batch.add_column(sa.Column('kind', sa.String(20), nullable=False, server_default='api'))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True)))
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True)))
    tokens = sa.table('tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(tokens.update().where(tokens.c.expires_at.is_(None))
               .values(expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)))
    op.create_table(
        'sign_in_failures',
        sa.Column('subject', sa.String(200), primary_key=True),  # "name:<user>" or "addr:<ip>"
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True)),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('sign_in_failures')
    with op.batch_alter_table('tokens') as batch:
        batch.drop_column('revoked_at')
        batch.drop_column('expires_at')
        batch.drop_column('kind')
