"""Rasa custom actions: thin wrappers that call the service modules in `bot/`.

Importing this package loads and validates the content, so the action server refuses to start
with broken content files (the error names file and line).
"""

from bot.core.redact import install_log_redaction

install_log_redaction()  # the action server's logs carry no personal data

from bot.appointments.calendar import get_calendar  # noqa: E402
from bot.content import get_content  # noqa: E402
from bot.declarations.catalogue import get_catalogue  # noqa: E402
from bot.language.vocabulary import vocabulary  # noqa: E402
from bot.languages.detect import language_rule  # noqa: E402
from bot.languages.registry import get_catalog  # noqa: E402
from bot.safety.texts import get_safety  # noqa: E402

get_content()
get_calendar()
get_catalogue()
get_safety()
vocabulary()  # the words of all languages' examples: read once at start, not during the first "blubb"
get_catalog()  # the languages and their translations (content/languages/), checked at start like the content
language_rule().detector.guesses("Guten Tag")  # lingua's models, loaded before the first citizen waits

from actions.appointment_replies import (  # noqa: E402
    ActionBookAppointment,
    ActionCancelAppointment,
    ActionListAppointments,
    ActionRescheduleAppointment,
    AskAppointmentChoice,
    AskAppointmentConfirm,
    AskAppointmentOffice,
    AskAppointmentRef,
    AskAppointmentType,
    AskAppointmentWish,
    AskCancelReason,
    AskGuestContact,
)
from actions.appointments import (  # noqa: E402
    ValidateBookingForm,
    ValidateCancelForm,
    ValidateLookupForm,
    ValidateRescheduleForm,
)
from actions.consent import (  # noqa: E402
    ActionAskConsentChannel,
    ActionAskConsentConfirm,
    ActionAskConsentEmail,
    ActionAskConsentPhone,
    ActionStartConsent,
    ActionSubmitConsent,
    ValidateConsentForm,
)
from actions.declarations import (  # noqa: E402
    ActionAskDeclValue,
    ActionStartDeclaration,
    ActionSubmitDeclaration,
    ValidateDeclarationForm,
)
from actions.fallback import ActionFallback  # noqa: E402
from actions.handover import (  # noqa: E402
    ActionAskCallbackContact,
    ActionAskCallbackTime,
    ActionHandover,
    ActionSubmitCallback,
    ActionThreat,
    ValidateCallbackForm,
)
from actions.identification import AskIdBirthDate, AskIdNumber  # noqa: E402
from actions.knowledge import (  # noqa: E402
    ActionAnswer,
    ActionContact,
    ActionHousingCosts,
    ActionInform,
    ActionOpeningHours,
)
from actions.outbound import (  # noqa: E402
    ActionOutboundMessage,
    AskOutboundBirthDate,
    ValidateOutboundForm,
)
from actions.privacy import ActionStartPrivacy, ActionSubmitPrivacy, ValidatePrivacyForm  # noqa: E402
from actions.safety import ActionCrisis, ActionThreatPossible, ActionUrgentNeed  # noqa: E402

__all__ = [
    "ActionAskConsentChannel",
    "ActionAskConsentConfirm",
    "ActionAskConsentEmail",
    "ActionAskConsentPhone",
    "ActionOutboundMessage",
    "ActionStartConsent",
    "ActionSubmitConsent",
    "AskOutboundBirthDate",
    "ValidateConsentForm",
    "ValidateOutboundForm",
    "ActionAskDeclValue",
    "ActionStartDeclaration",
    "ActionSubmitDeclaration",
    "ValidateDeclarationForm",
    "ActionAskCallbackContact",
    "ActionAskCallbackTime",
    "ActionHandover",
    "ActionSubmitCallback",
    "ActionThreat",
    "ValidateCallbackForm",
    "ActionBookAppointment",
    "ActionCancelAppointment",
    "ActionListAppointments",
    "ActionRescheduleAppointment",
    "AskAppointmentChoice",
    "AskAppointmentConfirm",
    "AskAppointmentRef",
    "AskAppointmentOffice",
    "AskAppointmentType",
    "AskAppointmentWish",
    "AskCancelReason",
    "AskGuestContact",
    "AskIdBirthDate",
    "AskIdNumber",
    "ValidateBookingForm",
    "ValidateCancelForm",
    "ValidateLookupForm",
    "ValidateRescheduleForm",
    "ActionAnswer",
    "ActionContact",
    "ActionFallback",
    "ActionHousingCosts",
    "ActionInform",
    "ActionOpeningHours",
    "ActionCrisis",
    "ActionStartPrivacy",
    "ActionSubmitPrivacy",
    "ValidatePrivacyForm",
    "ActionThreatPossible",
    "ActionUrgentNeed",
]
