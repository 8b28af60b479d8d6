"""record links: where each reference field of a record points, for its related records (issue 16)

A record's page lists the records of other entities whose reference fields point to it. Their
values name the record by id or by an outside CRM's external id; each is resolved once, when
written, into a row here, indexed by the record pointed to. Existing records are linked below.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    links = op.create_table(
        'record_links',
        sa.Column('record_id', sa.Integer(),
                  sa.ForeignKey('records.id', ondelete='CASCADE', name='fk_record_links_record_id_records'),
                  primary_key=True),
        sa.Column('field', sa.String(100), primary_key=True),
        sa.Column('entity', sa.String(100), nullable=False),
        sa.Column('target_id', sa.Integer(),
                  sa.ForeignKey('records.id', ondelete='CASCADE', name='fk_record_links_target_id_records'),
                  nullable=False),
        sa.PrimaryKeyConstraint('record_id', 'field', name='pk_record_links'),
    )
    op.create_index('ix_record_links_target', 'record_links', ['target_id', 'entity', 'field', 'record_id'])
    _link_existing(op.get_bind(), links)


def _link_existing(conn: sa.Connection, links: sa.Table) -> None:
    entities = sa.table('entities', sa.column('name'), sa.column('fields', sa.JSON()))
    records = sa.table('records', sa.column('id'), sa.column('entity'), sa.column('external_id'),
                       sa.column('fields', sa.JSON()))
    for name, fields in conn.execute(sa.select(entities.c.name, entities.c.fields)).all():
        references = {f['name']: f['entity'] for f in fields if f['type'] == 'reference'}
        if not references:
            continue
        rows = []
        for record_id, values in conn.execute(sa.select(records.c.id, records.c.fields)
                                              .where(records.c.entity == name)).all():
            for field, target_entity in references.items():
                value = values.get(field)
                if value is None:
                    continue
                value = str(value)
                by = records.c.id == int(value) if value.isdigit() and int(value) < 2**31 else (
                    records.c.external_id == value)
                target = conn.execute(sa.select(records.c.id).where(records.c.entity == target_entity, by)).scalar()
                if target is not None:
                    rows.append({'record_id': record_id, 'field': field, 'entity': name, 'target_id': target})
        if rows:
            op.bulk_insert(links, rows)


def downgrade() -> None:
    op.drop_table('record_links')
