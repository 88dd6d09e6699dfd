"""What content may contain: units, legal regimes, placeholders and the answer template specs.

The constants here are the rules `load_content()` checks the files against: the allowed figure units
and legal regimes, the `{placeholder}` pattern, the Jobcenter placeholders every answer may use,
`TEMPLATE_FIELDS` (each computed answer template in `content/answers.yml` with the placeholders the
code fills in) and the intents whose answers are computed by actions instead of looked up.
"""

from __future__ import annotations

import re

UNITS = {"eur", "percent", "days", "months", "m2", "hours", "text"}
LEGAL_REGIMES = {"buergergeld", "grundsicherung"}
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")

# Placeholders that answers may use besides the figure keys.
JOBCENTER_PLACEHOLDERS = {
    "jobcenter_name",
    "jobcenter_name_genitive",
    "website",
    "service_center_phone",
    "service_center_hours",
    "service_center_email",
}

# Computed answers: template name -> placeholders the code fills in.
TEMPLATE_FIELDS: dict[str, set[str]] = {
    "hours_office_day": {"office", "day", "hours"},
    "hours_office_day_closed": {"office", "day"},
    "hours_daypart_open": {"office", "day", "daypart", "hours"},
    "hours_daypart_closed": {"office", "day", "daypart", "hours"},
    "hours_daypart_closed_all_day": {"office", "day", "daypart"},
    "hours_office_week": {"office", "address", "week"},
    "hours_all_offices": {"offices"},
    "hours_holiday": {"date", "holiday"},
    "service_center_hours": {"phone", "hours"},
    "contact_office": {"office", "address", "phone", "email", "directions"},
    "contact_all": {"offices", "service_center_phone", "service_center_hours", "service_center_email"},
    "kdu_ok": {"rent", "persons", "limit", "size"},
    "kdu_too_high": {"rent", "persons", "limit", "size", "difference", "months"},
    "kdu_warm_note": set(),
    "kdu_table": {"rows"},
    "kdu_ask_persons": {"rent"},
    "kdu_invalid_amount": set(),
    "kdu_invalid_persons": set(),
    "fallback_first": JOBCENTER_PLACEHOLDERS,
    "fallback_second": JOBCENTER_PLACEHOLDERS,
    "message_too_long": set(),
    "technical_problem": set(),
    "stand": {"date"},
    "handover_queued": {"position", "minutes"},
    "handover_callback_intro": {"hours"},
    "ask_callback_contact": set(),
    "ask_callback_time": set(),
    "callback_invalid_contact": set(),
    "callback_done": {"case", "contact", "time"},
    "ask_id_number": set(),
    "ask_id_birth_date": set(),
    "ask_appointment_type": set(),
    "ask_appointment_office": set(),
    "ask_appointment_wish": set(),
    "ask_cancel_reason": set(),
    "not_understood_choice": set(),
    "id_invalid_number": set(),
    "id_invalid_birth_date": set(),
    "id_mismatch": {"attempt", "max"},
    "id_failed": set(),
    "id_locked": {"minutes"},
    "id_wait": {"seconds"},
    "decl_aborted": set(),
    "decl_to_human": set(),
    "voice_greeting": JOBCENTER_PLACEHOLDERS,
    "voice_reprompt": set(),
    "voice_goodbye_silence": set(),
    "voice_not_understood": set(),
    "voice_agent_joined": set(),
    "voice_unavailable": JOBCENTER_PLACEHOLDERS,
    "id_ok": {"name"},
    "appt_offer": {"type"},
    "appt_offer_other": {"wish", "type"},
    "appt_offer_exact_missing": {"time"},
    "appt_none": {"days", "type"},
    "appt_choice_invalid": set(),
    "appt_confirm": {"slot", "type"},
    "appt_booked": {"ref", "slot", "address", "bring", "ics_url"},
    "appt_legal": set(),
    "appt_taken": set(),
    "appt_duplicate": {"slot"},
    "appt_aborted": set(),
    "anything_else": set(),
    "appt_list": {"appointments"},
    "appt_list_none": set(),
    "appt_which": set(),
    "appt_none_to_change": set(),
    "cancel_confirm": {"slot", "reason"},
    "cancel_done": {"slot", "reason", "case"},
    "cancel_au_hint": set(),
    "move_confirm": {"old", "new"},
    "move_done": {"slot", "ref", "ics_url"},
    "move_failed": set(),
    "confirm_unclear": set(),
    "ask_consent_channel": set(),
    "ask_consent_withdraw_channel": set(),
    "ask_consent_phone": set(),
    "ask_consent_email": set(),
    "ask_consent_confirm": {"wording"},
    "consent_invalid_channel": set(),
    "consent_invalid_phone": set(),
    "consent_invalid_email": set(),
    "consent_saved": {"channels"},
    "consent_declined": set(),
    "consent_withdrawn": {"channels"},
    "consent_none_to_withdraw": {"channels"},
    "consent_aborted": set(),
    "outbound_birth_date_mismatch": {"attempt", "max"},
}

# Intents whose answers are computed by dedicated actions (not looked up in answers.yml).
# Declarations and requests (content/declarations.yml) open a form instead of answering.
DECLARATION_INTENTS = {"report_change", "report_employment", "report_income", "report_absence", "report_sick",
                       "request_deadline_extension", "report_activity", "waive_benefits", "submit_complaint",
                       "give_praise", "report_misuse", "request_documents", "request_certificate"}
COMPUTED_INTENTS = {"ask_opening_hours", "ask_contact", "ask_housing_costs", "request_human",
                    "crisis", "urgent_need", "threat_possible",  # content/safety.yml (bot/safety/texts.py)
                    "book_appointment", "cancel_appointment", "reschedule_appointment", "check_appointment",
                    "contact_consent", *DECLARATION_INTENTS}

# content/texts.yml: the sentences capabilities say in the middle of a dialogue (hints that ask again,
# refusals, mail answers, spoken options, the desk's lines to the citizen).
# Section -> text key -> placeholders the code fills in.
# Every key must be present in the file; an unknown key or placeholder is reported with its line.
TEXT_FIELDS: dict[str, dict[str, set[str]]] = {
    "declarations": {
        "text_too_short": set(),
        "text_too_long": {"max"},
        "yes_no": set(),
        "amount_missing": set(),
        "amount_implausible": set(),
        "hours_invalid": set(),
        "iban_missing": set(),
        "iban_wrong_length": {"country", "expected", "given"},
        "iban_checksum": set(),
        "contact_missing": set(),
        "address_incomplete": set(),
        "address_too_long": set(),
        "date_impossible": {"date"},
        "date_not_understood": set(),
        "date_too_early": {"date", "earliest"},
        "date_too_late": {"date", "latest"},
        "day_not_in_month": {"day"},
        "period_not_understood": set(),
        "period_end_impossible": set(),
        "period_start_missing": set(),
        "period_end_before_start": {"start", "end"},
        "period_too_long": {"max_days"},
        "period_in_past": set(),
        "count_invalid": set(),
        "choice_several": {"options"},
        "choice_unknown": {"options"},
        "summary": {"title", "lines"},
        "summary_unclear": set(),
        "correct_which": set(),
        "correct_unclear": set(),
        "sick_appointments": {"appointments"},
        "absence_not_in_future": set(),
        "absence_days_exceeded": {"year", "left", "max", "count"},
        "absence_appointment": {"date", "time"},
    },
    "appointments": {
        "wish_invalid_time": {"time"},
        "wish_date_impossible": {"date"},
        "wish_date_past": {"date"},
        "wish_not_understood": set(),
        "wish_empty_range": set(),
    },
    "mail": {
        "over_limit": {"limit", "reference", "max_size", "max_depth", "max_parts", "max_headers", "max_lines"},
        "limit_size": {"max_size"},
        "limit_depth": {"max_depth"},
        "limit_parts": {"max_parts"},
        "limit_headers": {"max_headers"},
        "limit_lines": {"max_lines"},
    },
    "channels": {
        "rate_limited": set(),
        "message_too_long": {"max"},
    },
    "voice": {
        "say_yes_or_no": set(),
        "say_numbered_option": {"options"},
        "say_options": {"options"},
    },
    "desk": {
        "agent_greeting": set(),
        "back_to_bot": set(),
        "closed": set(),
        "quick_moment": set(),
        "quick_identify": set(),
        "quick_callback": set(),
        "quick_anything_else": set(),
    },
}
