"""mobile ID issuance

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issuance_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_issuance_nonces_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_nonces")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_issuance_nonces_nonce_hash")),
    )
    with op.batch_alter_table("issuance_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issuance_nonces_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.Integer(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("etag", sa.String(length=64), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_status_lists_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
        sa.UniqueConstraint(
            "university_id", "number", name=op.f("uq_status_lists_university_id_number")
        ),
    )
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_lists_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("open_slot", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "processing",
                "ready",
                "picked_up",
                "error",
                "cancelled",
                "invalidated",
                "expired",
                name="orderstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claims", sa.JSON(), nullable=True),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("card_number", sa.String(length=21), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_orders_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_orders_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_orders_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("open_slot", name=op.f("uq_orders_open_slot")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_study_id"), ["study_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_orders_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "issuance_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("access", "refresh", name="tokenkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_issuance_tokens_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_issuance_tokens_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuance_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_issuance_tokens_token_hash")),
    )
    with op.batch_alter_table("issuance_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issuance_tokens_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_issuance_tokens_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_issuance_tokens_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "mobile_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                "cancelled",
                "replaced",
                "revoked",
                name="mobileidstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder_jwk", sa.JSON(), nullable=False),
        sa.Column("holder_kid", sa.String(length=64), nullable=False),
        sa.Column("card_number", sa.String(length=21), nullable=True),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_mobile_ids_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_mobile_ids_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_mobile_ids_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_mobile_ids_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobile_ids")),
        sa.UniqueConstraint("order_id", name=op.f("uq_mobile_ids_order_id")),
    )
    with op.batch_alter_table("mobile_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mobile_ids_holder_kid"), ["holder_kid"], unique=False)
        batch_op.create_index(batch_op.f("ix_mobile_ids_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mobile_ids_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_mobile_ids_study_id"), ["study_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mobile_ids_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=44), nullable=False),
        sa.Column("ref_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_mac", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "used",
                "burned",
                "expired",
                "withdrawn",
                name="offerstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_offers_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_offers_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_offers_code_hash")),
        sa.UniqueConstraint("order_id", name=op.f("uq_offers_order_id")),
        sa.UniqueConstraint("ref_hash", name=op.f("uq_offers_ref_hash")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offers_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mobile_id_id", sa.Integer(), nullable=False),
        sa.Column("status_list_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.String(length=43), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("renewal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mobile_id_id"],
            ["mobile_ids.id"],
            name=op.f("fk_issued_credentials_mobile_id_id_mobile_ids"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_lists.id"],
            name=op.f("fk_issued_credentials_status_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_issued_credentials_notification_id")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_issued_credentials_status_list_id_status_index"),
        ),
    )
    with op.batch_alter_table("issued_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_credentials_mobile_id_id"), ["mobile_id_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issued_credentials_status_list_id"), ["status_list_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_credentials_status_list_id"))
        batch_op.drop_index(batch_op.f("ix_issued_credentials_mobile_id_id"))

    op.drop_table("issued_credentials")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_university_id"))
        batch_op.drop_index(batch_op.f("ix_offers_status"))
        batch_op.drop_index(batch_op.f("ix_offers_expires_at"))

    op.drop_table("offers")
    with op.batch_alter_table("mobile_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mobile_ids_university_id"))
        batch_op.drop_index(batch_op.f("ix_mobile_ids_study_id"))
        batch_op.drop_index(batch_op.f("ix_mobile_ids_status"))
        batch_op.drop_index(batch_op.f("ix_mobile_ids_person_id"))
        batch_op.drop_index(batch_op.f("ix_mobile_ids_holder_kid"))

    op.drop_table("mobile_ids")
    with op.batch_alter_table("issuance_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuance_tokens_university_id"))
        batch_op.drop_index(batch_op.f("ix_issuance_tokens_order_id"))
        batch_op.drop_index(batch_op.f("ix_issuance_tokens_expires_at"))

    op.drop_table("issuance_tokens")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_university_id"))
        batch_op.drop_index(batch_op.f("ix_orders_study_id"))
        batch_op.drop_index(batch_op.f("ix_orders_status"))
        batch_op.drop_index(batch_op.f("ix_orders_person_id"))

    op.drop_table("orders")
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_lists_university_id"))

    op.drop_table("status_lists")
    with op.batch_alter_table("issuance_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuance_nonces_expires_at"))

    op.drop_table("issuance_nonces")
