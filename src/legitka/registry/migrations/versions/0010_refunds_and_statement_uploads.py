"""the dean's office's payments: refunds, and statement files kept between preview and import

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('statement_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('staff_login', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['university_id'], ['universities.id'], name=op.f('fk_statement_uploads_university_id_universities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_uploads')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_statement_uploads_token_hash'))
    )
    with op.batch_alter_table('statement_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_uploads_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_uploads_university_id'), ['university_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('charge_id', sa.Integer(), nullable=True),
    sa.Column('amount_grosze', sa.Integer(), nullable=False),
    sa.Column('refunded_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['charge_id'], ['charges.id'], name=op.f('fk_refunds_charge_id_charges')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_refunds_person_id_people')),
    sa.ForeignKeyConstraint(['university_id'], ['universities.id'], name=op.f('fk_refunds_university_id_universities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_university_id'), ['university_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_university_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_person_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('statement_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_uploads_university_id'))
        batch_op.drop_index(batch_op.f('ix_statement_uploads_expires_at'))

    op.drop_table('statement_uploads')
