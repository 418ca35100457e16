"""semester renewals in bulk: renewal jobs and their students

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('renewal_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('university_id', sa.Integer(), nullable=False),
    sa.Column('semester', sa.String(length=5), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('first_hologram', sa.String(length=8), nullable=False),
    sa.Column('last_hologram', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('renewed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['university_id'], ['universities.id'], name=op.f('fk_renewal_jobs_university_id_universities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_jobs'))
    )
    with op.batch_alter_table('renewal_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_jobs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_renewal_jobs_university_id'), ['university_id'], unique=False)

    op.create_table('renewal_job_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('hologram_number', sa.String(length=8), nullable=True),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('renewal_id', sa.Integer(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['els_cards.id'], name=op.f('fk_renewal_job_items_card_id_els_cards')),
    sa.ForeignKeyConstraint(['job_id'], ['renewal_jobs.id'], name=op.f('fk_renewal_job_items_job_id_renewal_jobs')),
    sa.ForeignKeyConstraint(['renewal_id'], ['els_renewals.id'], name=op.f('fk_renewal_job_items_renewal_id_els_renewals')),
    sa.ForeignKeyConstraint(['study_id'], ['studies.id'], name=op.f('fk_renewal_job_items_study_id_studies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_job_items')),
    sa.UniqueConstraint('job_id', 'study_id', name=op.f('uq_renewal_job_items_job_id_study_id'))
    )
    with op.batch_alter_table('renewal_job_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_renewal_job_items_job_id'), ['job_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('renewal_job_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renewal_job_items_job_id'))
    op.drop_table('renewal_job_items')
    with op.batch_alter_table('renewal_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_renewal_jobs_university_id'))
        batch_op.drop_index(batch_op.f('ix_renewal_jobs_status'))
    op.drop_table('renewal_jobs')
