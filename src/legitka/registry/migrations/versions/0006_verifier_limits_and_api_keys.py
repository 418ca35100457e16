"""verifier rate limits of the public page and integrators' API keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('verifier_public_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verifier_public_requests'))
    )
    with op.batch_alter_table('verifier_public_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verifier_public_requests_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_verifier_public_requests_client_hash'), ['client_hash'], unique=False)

    op.create_table('verifier_api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verifier_api_keys')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_verifier_api_keys_secret_hash'))
    )


def downgrade() -> None:
    op.drop_table('verifier_api_keys')
    with op.batch_alter_table('verifier_public_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verifier_public_requests_client_hash'))
        batch_op.drop_index(batch_op.f('ix_verifier_public_requests_at'))

    op.drop_table('verifier_public_requests')
