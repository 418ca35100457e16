"""SQLAlchemy models of the register. Alembic migrations in ``registry/migrations`` build them."""

from legitka.registry.models.audit import AuditEvent
from legitka.registry.models.base import Base
from legitka.registry.models.credentials import (
    IssuanceNonce,
    IssuanceToken,
    IssuedCredential,
    MobileId,
    StatusList,
    TokenKind,
)
from legitka.registry.models.declarations import (
    Declaration,
    DeclarationAcceptance,
    DeclarationKind,
)
from legitka.registry.models.els import ElsCard, ElsRenewal
from legitka.registry.models.fees import (
    Charge,
    Payment,
    PaymentAllocation,
    PaymentStatus,
    StatementImport,
)
from legitka.registry.models.orders import Offer, OfferStatus, Order
from legitka.registry.models.people import Person, PersonDataChange, PortalAccount
from legitka.registry.models.photos import Photo
from legitka.registry.models.portal import (
    IdempotentRequest,
    LoginAttempt,
    Notification,
    WebSession,
)
from legitka.registry.models.renewals import (
    RenewalItemOutcome,
    RenewalJob,
    RenewalJobItem,
    RenewalJobStatus,
)
from legitka.registry.models.staff import StaffAccount, StaffLoginAttempt, StaffSession
from legitka.registry.models.studies import Study, StudyStatusChange
from legitka.registry.models.university import Intake, University
from legitka.registry.models.verifier import (
    CodeLookupFailure,
    PublicRequestMark,
    VerificationOutcome,
    VerificationRequest,
    VerifierApiKey,
    VerifierStatusList,
    VerifierTrustList,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Charge",
    "CodeLookupFailure",
    "Declaration",
    "DeclarationAcceptance",
    "DeclarationKind",
    "ElsCard",
    "ElsRenewal",
    "IdempotentRequest",
    "Intake",
    "IssuanceNonce",
    "IssuanceToken",
    "IssuedCredential",
    "LoginAttempt",
    "MobileId",
    "Notification",
    "Offer",
    "OfferStatus",
    "Order",
    "Payment",
    "PaymentAllocation",
    "PaymentStatus",
    "Person",
    "PersonDataChange",
    "Photo",
    "PortalAccount",
    "PublicRequestMark",
    "RenewalItemOutcome",
    "RenewalJob",
    "RenewalJobItem",
    "RenewalJobStatus",
    "StaffAccount",
    "StaffLoginAttempt",
    "StaffSession",
    "StatementImport",
    "StatusList",
    "Study",
    "StudyStatusChange",
    "TokenKind",
    "University",
    "VerificationOutcome",
    "VerificationRequest",
    "VerifierApiKey",
    "VerifierStatusList",
    "VerifierTrustList",
    "WebSession",
]
