"""The appointment forms' questions (offers, confirmation, which appointment) and their results (booked,
moved, cancelled, the list); the answers are validated in actions/appointments.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local, say, send
from actions.forms import AskFromContent, reset_flow
from actions.identification import say_id_failed
from bot.appointments import booking
from bot.appointments.calendar import get_calendar
from bot.appointments.store import get_book
from bot.content import Button, get_content
from bot.content import say as say_text
from bot.knowledge.answers import Reply


def yes_no() -> tuple[Button, Button]:
    """[Ja] [Nein] in the conversation's language; a click sends the German word."""
    return (Button(say_text("appointments.button_yes"), "ja", raw=True),
            Button(say_text("appointments.button_no"), "nein", raw=True))
BOOK_BUTTON = (Button("Termin vereinbaren", "book_appointment"),)

# ----------------------------------------------------------------------------- ask actions


def offer_buttons(slot_ids: list[str]) -> tuple[Button, ...]:
    content, config = get_content(), get_calendar()
    return tuple(
        Button(f"{i + 1}: {booking.short_slot_text(content, booking.slot_from_id(s, config))}", str(i + 1), raw=True)
        for i, s in enumerate(slot_ids)
    )


class AskAppointmentType(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_type"

    def buttons(self, tracker):
        return tuple(Button(t.name, t.aliases[0] if t.aliases else key, raw=True)
                     for key, t in get_calendar().types.items())


class AskGuestContact(AskFromContent):
    def name(self) -> str:
        return "action_ask_guest_contact"


class AskAppointmentOffice(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_office"

    def buttons(self, tracker):
        offices = get_content().offices
        own = tracker.get_slot("customer_office")
        ordered = sorted(offices.values(), key=lambda o: o.key != own)
        return tuple(Button(o.name, o.aliases[0], raw=True) for o in ordered) + (Button(say_text("appointments.button_any_office"), "egal", raw=True),)


class AskAppointmentWish(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_wish"

    def buttons(self, tracker):
        return (Button(say_text("appointments.button_asap"), "so früh wie möglich", raw=True),)


class AskCancelReason(AskFromContent):
    def name(self) -> str:
        return "action_ask_cancel_reason"

    def buttons(self, tracker):
        return tuple(Button(label, label, raw=True) for label in booking.CANCEL_REASONS)


class AskAppointmentChoice(Action):
    def name(self) -> str:
        return "action_ask_appointment_choice"

    async def run(self, dispatcher, tracker, domain):
        offer = tracker.get_slot("appointment_offer") or {}
        send(dispatcher, Reply(offer.get("intro", ""), offer_buttons(offer.get("slots", []))))
        return []


class AskAppointmentConfirm(Action):
    def name(self) -> str:
        return "action_ask_appointment_confirm"

    async def run(self, dispatcher, tracker, domain):
        content, config = get_content(), get_calendar()
        form = (tracker.active_loop or {}).get("name")
        if form == "cancel_form":
            old = get_book().get(tracker.get_slot("appointment_ref"))
            say(dispatcher, "cancel_confirm", yes_no(), slot=booking.booking_text(content, old),
                reason=tracker.get_slot("cancel_reason"))
            return []
        slot = booking.slot_from_id(tracker.get_slot("appointment_choice"), config)
        new = booking.slot_text(content, slot.office, slot.start)
        if form == "reschedule_form":
            old = get_book().get(tracker.get_slot("appointment_ref"))
            say(dispatcher, "move_confirm", yes_no(), old=booking.booking_text(content, old), new=new)
        else:
            say(dispatcher, "appt_confirm", yes_no(), slot=new, type=config.types[slot.type].name)
        return []


class AskAppointmentRef(Action):
    def name(self) -> str:
        return "action_ask_appointment_ref"

    async def run(self, dispatcher, tracker, domain):
        content = get_content()
        upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
        buttons = tuple(Button(booking.booking_text(content, b), b.ref, raw=True) for b in upcoming)
        say(dispatcher, "appt_which", buttons)
        return []


# ----------------------------------------------------------------------------- submit actions


def _ended_early(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    if tracker.get_slot("id_failed"):
        say_id_failed(dispatcher)
        return True
    if tracker.get_slot("flow_aborted"):
        if booking.tell_aborted(tracker.get_slot("appointment_result"), tracker.get_slot("appointment_offer"),
                                tracker.get_slot("appointment_wish")):
            say(dispatcher, "appt_aborted")
        return True
    return False


def send_booking_confirmation(dispatcher: CollectingDispatcher, ref: str, template_name: str,
                              guest_phone: str | None = None) -> None:
    record = get_book().get(ref)
    assert record is not None  # `ref` is the booking just made or moved
    values: dict[str, Any] = booking.confirmation_values(get_content(), get_calendar(), record,
                                                         directions=template_name == "appt_booked")
    say(dispatcher, template_name, **values)
    if guest_phone:
        say(dispatcher, "appt_booked_guest", phone=guest_phone)
    say(dispatcher, "appt_legal")
    say(dispatcher, "anything_else")


class ActionBookAppointment(Action):
    def name(self) -> str:
        return "action_book_appointment"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            guest = tracker.get_slot("guest_contact") if tracker.get_slot("id_guest") else None
            send_booking_confirmation(dispatcher, tracker.get_slot("appointment_result"), "appt_booked",
                                      guest_phone=guest.rsplit("Telefon ", 1)[-1] if guest else None)
        return reset_flow()


class ActionRescheduleAppointment(Action):
    def name(self) -> str:
        return "action_reschedule_appointment"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            if not tracker.get_slot("appointment_result"):
                say(dispatcher, "appt_none_to_change", BOOK_BUTTON)
            else:
                send_booking_confirmation(dispatcher, tracker.get_slot("appointment_result"), "move_done")
        return reset_flow()


class ActionCancelAppointment(Action):
    def name(self) -> str:
        return "action_cancel_appointment"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            case_id = tracker.get_slot("appointment_result")
            if not case_id:
                say(dispatcher, "appt_none_to_change", BOOK_BUTTON)
            else:
                record = get_book().get(tracker.get_slot("appointment_ref"))
                reason = tracker.get_slot("cancel_reason")
                say(dispatcher, "cancel_done", slot=booking.booking_text(get_content(), record), reason=reason,
                    case=case_id)
                if booking.sick_note_hint(record, reason, now_local().date()):
                    say(dispatcher, "cancel_au_hint")
                if booking.new_job(reason):
                    say(dispatcher, "cancel_new_job", (Button("Arbeitsaufnahme melden", "/report_employment"),))
                else:
                    say(dispatcher, "anything_else")
        return reset_flow()


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A question about the citizen's upcoming appointment ("wo muss ich da hin", "was soll ich mitbringen")
    answered for that appointment, with an offer of further help; False when it is no such question."""
    text = message_text(tracker)
    kind = booking.follow_up_question(text) if text else None
    customer = tracker.get_slot("customer_id")
    upcoming = get_book().upcoming(customer, now_local()) if kind and customer else []
    if not upcoming:
        return False
    content, config = get_content(), get_calendar()
    if kind == "cant_come":
        say(dispatcher, "appt_cant_come", (Button("Termin absagen", "cancel_appointment"),
                                           Button("Termin verschieben", "reschedule_appointment")))
        return True
    if kind == "where":
        for record in upcoming:
            say(dispatcher, "appt_where", slot=booking.booking_text(content, record),
                address=content.offices[record.office].address)
    else:
        for type_key in dict.fromkeys(record.type for record in upcoming):
            say(dispatcher, "appt_bring", type=config.types[type_key].name, bring=", ".join(config.types[type_key].bring))
    say(dispatcher, "anything_else")
    return True


class ActionListAppointments(Action):
    def name(self) -> str:
        return "action_list_appointments"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker) and not answer_follow_up(dispatcher, tracker):
            upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
            if upcoming:
                say(dispatcher, "appt_list", (Button("Termin verschieben", "reschedule_appointment"),
                                              Button("Termin absagen", "cancel_appointment")),
                    appointments=booking.appointment_list(get_content(), upcoming))
                say(dispatcher, "anything_else")
            else:
                say(dispatcher, "appt_list_none", BOOK_BUTTON)
        return reset_flow()
