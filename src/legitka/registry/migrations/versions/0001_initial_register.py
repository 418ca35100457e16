"""initial register

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Policy: migrations never lose data. A column is added nullable or with a server default; a removal
comes in a later release than the code that stopped using it. Every revision runs on SQLite (batch
mode) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "universities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name_pl", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.String(length=24), nullable=False),
        sa.Column("hologram_code", sa.String(length=3), nullable=False),
        sa.Column("account_prefix", sa.String(length=20), nullable=False),
        sa.Column("els_fee_grosze", sa.Integer(), nullable=False),
        sa.Column("duplicate_fee_grosze", sa.Integer(), nullable=False),
        sa.Column("emergency_extension_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_universities")),
        sa.UniqueConstraint("slug", name=op.f("uq_universities_slug")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_audit_events_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_pl", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("text_pl", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_declarations_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
        sa.UniqueConstraint(
            "university_id",
            "kind",
            "version",
            name=op.f("uq_declarations_university_id_kind_version"),
        ),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declarations_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("payment_deadline", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_intakes_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intakes")),
        sa.UniqueConstraint("university_id", "code", name=op.f("uq_intakes_university_id_code")),
    )
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intakes_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("given_names", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("pesel", sa.String(length=11), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("account_number", sa.String(length=26), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_people_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("account_number", name=op.f("uq_people_account_number")),
        sa.UniqueConstraint("university_id", "pesel", name=op.f("uq_people_university_id_pesel")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "statement_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_statement_imports_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_imports")),
    )
    with op.batch_alter_table("statement_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_imports_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "declaration_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_acceptances_declaration_id_declarations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_declaration_acceptances_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_acceptances")),
        sa.UniqueConstraint(
            "person_id",
            "declaration_id",
            name=op.f("uq_declaration_acceptances_person_id_declaration_id"),
        ),
    )
    with op.batch_alter_table("declaration_acceptances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declaration_acceptances_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("transaction_key", sa.String(length=64), nullable=False),
        sa.Column("account_number", sa.String(length=26), nullable=True),
        sa.Column("amount_grosze", sa.Integer(), nullable=False),
        sa.Column("unallocated_grosze", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("counterparty", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_payments_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement_imports.id"],
            name=op.f("fk_payments_statement_id_statement_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_payments_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint(
            "university_id",
            "transaction_key",
            name=op.f("uq_payments_university_id_transaction_key"),
        ),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payments_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "person_data_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=254), nullable=True),
        sa.Column("new_value", sa.String(length=254), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_data_changes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_data_changes")),
    )
    with op.batch_alter_table("person_data_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_data_changes_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("rejection_reason", sa.String(length=300), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_photos_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_person_id"), ["person_id"], unique=False)

    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_portal_accounts_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_portal_accounts_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_portal_accounts_person_id")),
        sa.UniqueConstraint(
            "university_id", "login", name=op.f("uq_portal_accounts_university_id_login")
        ),
    )
    op.create_table(
        "studies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.Column("album_number", sa.String(length=20), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("graduated_on", sa.Date(), nullable=True),
        sa.Column("resumed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_studies_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_studies_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_studies_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studies")),
        sa.UniqueConstraint(
            "university_id", "album_number", name=op.f("uq_studies_university_id_album_number")
        ),
    )
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_studies_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_studies_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "els_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("continued_from_study_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("edition", sa.String(length=1), nullable=False),
        sa.Column("chip_serial", sa.String(length=32), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_reason", sa.String(length=200), nullable=True),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("duplicate_reason", sa.String(length=24), nullable=True),
        sa.Column("replaces_card_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["continued_from_study_id"],
            ["studies.id"],
            name=op.f("fk_els_cards_continued_from_study_id_studies"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_els_cards_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_card_id"],
            ["els_cards.id"],
            name=op.f("fk_els_cards_replaces_card_id_els_cards"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_els_cards_study_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_els_cards_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_els_cards")),
        sa.UniqueConstraint("chip_serial", name=op.f("uq_els_cards_chip_serial")),
        sa.UniqueConstraint(
            "university_id",
            "number",
            "edition",
            name=op.f("uq_els_cards_university_id_number_edition"),
        ),
    )
    with op.batch_alter_table("els_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_els_cards_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_els_cards_study_id"), ["study_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_els_cards_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "study_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"], ["studies.id"], name=op.f("fk_study_status_changes_study_id_studies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_status_changes")),
    )
    with op.batch_alter_table("study_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_study_status_changes_study_id"), ["study_id"], unique=False
        )

    op.create_table(
        "charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("university_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("els_card_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("amount_grosze", sa.Integer(), nullable=False),
        sa.Column("paid_grosze", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("account_number", sa.String(length=26), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["els_card_id"], ["els_cards.id"], name=op.f("fk_charges_els_card_id_els_cards")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_charges_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["university_id"],
            ["universities.id"],
            name=op.f("fk_charges_university_id_universities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charges")),
    )
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_charges_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_charges_university_id"), ["university_id"], unique=False
        )

    op.create_table(
        "els_renewals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.String(length=5), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("hologram_number", sa.String(length=8), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["els_cards.id"], name=op.f("fk_els_renewals_card_id_els_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_els_renewals")),
        sa.UniqueConstraint("card_id", "semester", name=op.f("uq_els_renewals_card_id_semester")),
        sa.UniqueConstraint("hologram_number", name=op.f("uq_els_renewals_hologram_number")),
    )
    with op.batch_alter_table("els_renewals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_els_renewals_card_id"), ["card_id"], unique=False)

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("amount_grosze", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["charges.id"], name=op.f("fk_payment_allocations_charge_id_charges")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_allocations_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_charge_id"), ["charge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_payment_id"), ["payment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocations_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocations_charge_id"))

    op.drop_table("payment_allocations")
    with op.batch_alter_table("els_renewals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_els_renewals_card_id"))

    op.drop_table("els_renewals")
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charges_university_id"))
        batch_op.drop_index(batch_op.f("ix_charges_person_id"))

    op.drop_table("charges")
    with op.batch_alter_table("study_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_status_changes_study_id"))

    op.drop_table("study_status_changes")
    with op.batch_alter_table("els_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_els_cards_university_id"))
        batch_op.drop_index(batch_op.f("ix_els_cards_study_id"))
        batch_op.drop_index(batch_op.f("ix_els_cards_person_id"))

    op.drop_table("els_cards")
    with op.batch_alter_table("studies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_studies_university_id"))
        batch_op.drop_index(batch_op.f("ix_studies_person_id"))

    op.drop_table("studies")
    op.drop_table("portal_accounts")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_person_id"))

    op.drop_table("photos")
    with op.batch_alter_table("person_data_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_data_changes_person_id"))

    op.drop_table("person_data_changes")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_university_id"))
        batch_op.drop_index(batch_op.f("ix_payments_person_id"))

    op.drop_table("payments")
    with op.batch_alter_table("declaration_acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declaration_acceptances_person_id"))

    op.drop_table("declaration_acceptances")
    with op.batch_alter_table("statement_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_imports_university_id"))

    op.drop_table("statement_imports")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_university_id"))

    op.drop_table("people")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intakes_university_id"))

    op.drop_table("intakes")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_university_id"))

    op.drop_table("declarations")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_university_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
    op.drop_table("universities")
