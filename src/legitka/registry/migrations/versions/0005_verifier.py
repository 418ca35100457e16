"""verifier requests, outcomes and status list cache

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('code_lookup_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_lookup_failures'))
    )
    with op.batch_alter_table('code_lookup_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_lookup_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_code_lookup_failures_client_hash'), ['client_hash'], unique=False)

    op.create_table('verification_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('preset', sa.String(length=30), nullable=True),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.String(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_outcomes'))
    )
    with op.batch_alter_table('verification_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_outcomes_at'), ['at'], unique=False)

    op.create_table('verification_requests',
    sa.Column('id', sa.String(length=43), nullable=False),
    sa.Column('ref', sa.String(length=43), nullable=False),
    sa.Column('short_code', sa.String(length=6), nullable=True),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('state', sa.String(length=43), nullable=False),
    sa.Column('preset', sa.String(length=30), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('enc_kid', sa.String(length=43), nullable=False),
    sa.Column('enc_key', sa.Text(), nullable=True),
    sa.Column('redirect_uri', sa.String(length=2000), nullable=True),
    sa.Column('response_code_hash', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verdict', sa.String(length=10), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=True),
    sa.Column('claims', sa.JSON(), nullable=True),
    sa.Column('claims_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_requests')),
    sa.UniqueConstraint('ref', name=op.f('uq_verification_requests_ref')),
    sa.UniqueConstraint('short_code', name=op.f('uq_verification_requests_short_code'))
    )
    with op.batch_alter_table('verification_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_requests_claims_until'), ['claims_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_requests_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_requests_status'), ['status'], unique=False)

    op.create_table('verifier_status_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=500), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refresh_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verifier_status_lists')),
    sa.UniqueConstraint('uri', name=op.f('uq_verifier_status_lists_uri'))
    )


def downgrade() -> None:
    op.drop_table('verifier_status_lists')
    with op.batch_alter_table('verification_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_requests_status'))
        batch_op.drop_index(batch_op.f('ix_verification_requests_expires_at'))
        batch_op.drop_index(batch_op.f('ix_verification_requests_claims_until'))

    op.drop_table('verification_requests')
    with op.batch_alter_table('verification_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_outcomes_at'))

    op.drop_table('verification_outcomes')
    with op.batch_alter_table('code_lookup_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_lookup_failures_client_hash'))
        batch_op.drop_index(batch_op.f('ix_code_lookup_failures_at'))

    op.drop_table('code_lookup_failures')
