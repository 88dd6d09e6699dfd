"""Appointment flows: book, move, cancel and look up, each a Rasa form with identification first.

The forms only collect and validate answers; the work (offers, atomic booking, cancelling, moving)
happens in bot/appointments/booking.py and bot/appointments/store.py. Booking, moving and cancelling run when the
citizen confirms, inside the form, so that a slot taken in the meantime leads straight to new offers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Literal

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import now_local, send
from bot.appointments import booking
from bot.appointments.calendar import find_type, get_calendar
from bot.appointments.store import get_book
from bot.cases.store import CaseStore
from bot.content import Button, get_content
from bot.identity import guard as identity
from bot.identity.registry import MAX_ATTEMPTS, Customer, find_birth_date, find_number, get_registry
from bot.knowledge.answers import Reply, template
from bot.language.dates import Wish, WishError, parse_wish
from bot.language.textparse import find_office

FLOW_SLOTS = ["id_number", "id_birth_date", "appointment_type", "appointment_office", "appointment_wish",
              "appointment_choice", "appointment_confirm", "appointment_ref", "cancel_reason", "appointment_offer",
              "appointment_result", "flow_aborted", "id_failed", "id_attempts", "outbound_pending"]
ID_SLOTS = ("id_number", "id_birth_date")


def say(dispatcher: CollectingDispatcher, key: str, buttons: tuple[Button, ...] = (), **values: Any) -> None:
    """Send the content template `key` (content/answers.yml) filled with `values`."""
    send(dispatcher, Reply(template(get_content(), key, **values), buttons))


def offer_buttons(slot_ids: list[str]) -> tuple[Button, ...]:
    content, config = get_content(), get_calendar()
    return tuple(
        Button(f"{i + 1}: {booking.short_slot_text(content, booking.slot_from_id(s, config))}", str(i + 1), raw=True)
        for i, s in enumerate(slot_ids)
    )


def reset_flow() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


def identified(customer: Customer, tracker: Tracker) -> dict[str, Any]:
    """Slots of an identified conversation, linked to the person (Auskunft, Löschung).
    The date of birth is checked, never stored or read back; the identification expires after
    30 minutes without use (bot/identity/guard.py)."""
    identity.link_conversation(get_book().redis, customer.id, tracker.sender_id)
    identity.IdentityGuard(get_book().redis).succeeded(customer.id)
    identity.mark_identified(get_book().redis, tracker.sender_id, customer.id)
    return {"id_birth_date": "geprüft", "customer_id": customer.id, "customer_name": customer.name,
            "customer_office": customer.office, "id_attempts": 0}


CUSTOMER_SLOTS = ("customer_id", "customer_name", "customer_office")


def client_address(tracker: Tracker) -> str:
    """The citizen's address as the channel saw it (behind a trusted proxy: the real client)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("client") or "") if isinstance(metadata, dict) else ""


def expired_identification(tracker: Tracker) -> list[dict[str, Any]]:
    """Slot resets when the conversation's identification has expired (or was ended by a hand-back)."""
    customer = tracker.get_slot("customer_id")
    if not customer or identity.still_identified(get_book().redis, tracker.sender_id, customer):
        return []
    return [SlotSet(name, None) for name in CUSTOMER_SLOTS]


def refused(dispatcher: CollectingDispatcher, refusal: identity.Refusal) -> dict[str, Any]:
    """Tell the citizen why identification is paused and how to reach a person; the flow ends."""
    if refusal.reason == "wait":
        say(dispatcher, "id_wait", seconds=refusal.seconds)
        return {"id_number": None, "id_birth_date": None}
    say(dispatcher, "id_locked", minutes=refusal.minutes)
    return {"id_number": None, "id_birth_date": None, "id_failed": True}


class IdentifyingFormValidation(FormValidationAction, ABC):
    """Shared validation: abort words, identification (3 attempts per conversation, and the limits of
    bot/identity/guard.py across conversations), then the form's own slots."""

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        expired = expired_identification(tracker)
        for event in expired:  # the form decides on the current state: ask for identification again
            tracker.slots[event["name"]] = None
        return [*expired, *await super().run(dispatcher, tracker, domain)]

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        if tracker.get_slot("flow_aborted") or tracker.get_slot("id_failed"):
            return []
        if tracker.get_slot("customer_id"):
            domain_slots = [s for s in domain_slots if s not in ID_SLOTS]
            if "appointment_ref" in domain_slots and not get_book().upcoming(tracker.get_slot("customer_id"), now_local()):
                return []
        return domain_slots

    def _parse_answer(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                      parse: Callable[[str], Any], error_key: str) -> dict[str, Any]:
        """Abort words end the flow; otherwise the parsed value, or a hint and the question again."""
        if aborted := self._aborted(value, dispatcher):
            return {slot: None, **aborted}
        parsed = parse(str(value))
        if parsed is None:
            say(dispatcher, error_key)
        return {slot: parsed}

    def _aborted(self, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any] | None:
        if isinstance(value, str) and booking.is_abort(value):
            return {"flow_aborted": True}
        return None

    async def validate_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict[str, Any]:
        return self._parse_answer("id_number", value, dispatcher, find_number, "id_invalid_number")

    async def validate_id_birth_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        client = get_book().redis
        text = identity.reveal(client, tracker.sender_id, str(value))  # the real answer behind [Geburtsdatum]
        if aborted := self._aborted(text, dispatcher):
            return {"id_birth_date": None, **aborted}
        birth_date = find_birth_date(text, now_local().date())
        if birth_date is None:
            say(dispatcher, "id_invalid_birth_date")
            return {"id_birth_date": None}
        number = tracker.get_slot("id_number") or ""
        guard, address = identity.IdentityGuard(client), client_address(tracker)
        if refusal := guard.refusal(number, address):
            return refused(dispatcher, refusal)
        customer = get_registry().identify(number, birth_date)
        if customer is None:
            attempts = int(tracker.get_slot("id_attempts") or 0) + 1
            if refusal := guard.failed(number, address):
                return {**refused(dispatcher, refusal), "id_attempts": attempts}
            if attempts >= MAX_ATTEMPTS:
                return {"id_number": None, "id_birth_date": None, "id_attempts": attempts, "id_failed": True}
            say(dispatcher, "id_mismatch", attempt=attempts, max=MAX_ATTEMPTS)
            return {"id_number": None, "id_birth_date": None, "id_attempts": attempts}
        say(dispatcher, "id_ok", name=customer.name)
        return identified(customer, tracker)

    # -- shared by booking and moving -------------------------------------------------------------
    def _offer_for(self, wish: Wish, type_key: str, offices: list[str], dispatcher: CollectingDispatcher
                   ) -> dict[str, Any]:
        offer = booking.make_offer(get_content(), get_calendar(), get_book(), type_key, offices, wish, now_local())
        if not offer.slots:
            dispatcher.utter_message(text=offer.intro)
            return {"appointment_offer": None, "flow_aborted": True}
        return {"appointment_offer": {"intro": offer.intro, "slots": [s.id for s in offer.slots]}}

    def _offices(self, tracker: Tracker) -> list[str]:
        office = tracker.get_slot("appointment_office")
        return list(get_content().offices) if office in (None, "egal") else [office]

    async def validate_appointment_wish(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_wish": None, **aborted}
        wish = parse_wish(str(value), now_local())
        if isinstance(wish, WishError):
            dispatcher.utter_message(text=wish.message)
            return {"appointment_wish": None}
        return {"appointment_wish": str(value), "appointment_choice": None,
                **self._offer_for(wish, self._type(tracker), self._offices(tracker), dispatcher)}

    def _type(self, tracker: Tracker) -> str:
        return tracker.get_slot("appointment_type") or "beratung"

    async def validate_appointment_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_choice": None, **aborted}
        offered_ids = (tracker.get_slot("appointment_offer") or {}).get("slots", [])
        config = get_calendar()
        offered = [booking.slot_from_id(s, config) for s in offered_ids]
        picked = booking.choose(str(value), offered, now_local())
        if isinstance(picked, int):
            return {"appointment_choice": offered_ids[picked]}
        if isinstance(picked, Wish):
            return {"appointment_choice": None, "appointment_wish": str(value),
                    **self._offer_for(picked, self._type(tracker), self._offices(tracker), dispatcher)}
        if isinstance(picked, WishError):
            dispatcher.utter_message(text=picked.message)
        else:
            say(dispatcher, "appt_choice_invalid")
        return {"appointment_choice": None}

    def _confirmation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Literal[True] | dict[str, Any]:
        """True on yes; otherwise the slot updates for a correction, a no or an unclear answer."""
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_confirm": None, **aborted}
        answer = booking.yes_or_no(str(value))
        if answer is True:
            return True
        wish = parse_wish(str(value), now_local())
        if isinstance(wish, Wish) and (wish.dates or wish.exact or wish.earliest or wish.latest):
            return {"appointment_confirm": None, "appointment_choice": None, "appointment_wish": str(value),
                    **self._offer_for(wish, self._type(tracker), self._offices(tracker), dispatcher)}
        if answer is False:
            return {"appointment_confirm": None, "appointment_choice": None, "appointment_wish": None}
        say(dispatcher, "confirm_unclear")
        return {"appointment_confirm": None}


class ValidateBookingForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_booking_form"

    async def validate_appointment_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        return self._parse_answer("appointment_type", value, dispatcher, lambda text: find_type(text, get_calendar()),
                                  "not_understood_choice")

    async def validate_appointment_office(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: dict) -> dict[str, Any]:
        def office(text: str) -> str | None:
            offices = get_content().offices
            found = find_office(text, {key: o.aliases for key, o in offices.items()})
            return found or ("egal" if booking.is_any(text) else None)

        return self._parse_answer("appointment_office", value, dispatcher, office, "not_understood_choice")

    async def validate_appointment_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: dict) -> dict[str, Any]:
        decision = self._confirmation(value, dispatcher, tracker)
        if decision is not True:
            return decision
        slot = booking.slot_from_id(tracker.get_slot("appointment_choice"), get_calendar())
        outcome = get_book().book(tracker.get_slot("customer_id"), slot, now_local())
        if outcome.ok:
            assert outcome.booking is not None  # a successful booking is read back
            return {"appointment_confirm": "ja", "appointment_result": outcome.booking.ref}
        if outcome.reason == "duplicate":
            assert outcome.conflicting_ref is not None  # always set with "duplicate"
            existing = get_book().get(outcome.conflicting_ref)
            assert existing is not None  # the booking it conflicts with exists (bookings are kept, not deleted)
            say(dispatcher, "appt_duplicate", (Button("Termin verschieben", "reschedule_appointment"),
                                               Button("Termin absagen", "cancel_appointment")),
                slot=booking.booking_text(get_content(), existing))
            return {"appointment_confirm": None, "flow_aborted": True, "appointment_result": "duplicate"}
        say(dispatcher, "appt_taken")
        wish = parse_wish(tracker.get_slot("appointment_wish") or "egal", now_local())
        wish = wish if isinstance(wish, Wish) else Wish(asap=True)
        return {"appointment_confirm": None, "appointment_choice": None,
                **self._offer_for(wish, slot.type, self._offices(tracker), dispatcher)}


class ValidateRescheduleForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_reschedule_form"

    def _type(self, tracker: Tracker) -> str:
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        return old.type if old else "beratung"

    def _offices(self, tracker: Tracker) -> list[str]:
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        return [old.office] if old else list(get_content().offices)

    async def validate_appointment_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        return validate_ref(self, value, dispatcher, tracker)

    async def validate_appointment_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: dict) -> dict[str, Any]:
        decision = self._confirmation(value, dispatcher, tracker)
        if decision is not True:
            return decision
        slot = booking.slot_from_id(tracker.get_slot("appointment_choice"), get_calendar())
        outcome = get_book().move(tracker.get_slot("customer_id"), tracker.get_slot("appointment_ref"), slot,
                                  now_local())
        if outcome.ok:
            assert outcome.booking is not None  # a successful move is read back
            return {"appointment_confirm": "ja", "appointment_result": outcome.booking.ref}
        say(dispatcher, "move_failed")
        return {"appointment_confirm": None, "appointment_choice": None,
                **self._offer_for(Wish(asap=True), slot.type, [slot.office], dispatcher)}


class ValidateCancelForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_cancel_form"

    async def validate_appointment_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        return validate_ref(self, value, dispatcher, tracker)

    async def validate_cancel_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"cancel_reason": None, **aborted}
        return {"cancel_reason": booking.cancel_reason(str(value))}

    async def validate_appointment_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_confirm": None, **aborted}
        answer = booking.yes_or_no(str(value))
        if answer is None:
            say(dispatcher, "confirm_unclear")
            return {"appointment_confirm": None}
        if answer is False:
            return {"appointment_confirm": None, "flow_aborted": True}
        customer, ref, reason = tracker.get_slot("customer_id"), tracker.get_slot("appointment_ref"), tracker.get_slot("cancel_reason")
        outcome = get_book().cancel(customer, ref, reason, now_local())
        if not outcome.ok:
            return {"appointment_confirm": None, "flow_aborted": True}
        old = outcome.booking
        assert old is not None  # a successful cancellation reads the booking back
        short_notice = (old.start.date() - now_local().date()).days <= 1
        case_id = CaseStore(get_book().redis).create(
            "terminabsage",
            {"buchung": ref, "termin": old.start.isoformat(timespec="minutes"), "terminart": old.type,
             "grund": reason, "kurzfristig": short_notice},
            now_local(), customer=customer, idempotency_key=f"cancel:{ref}", office=old.office,
            summary=f"Terminabsage {old.start:%d.%m.%Y %H:%M}, Grund: {reason}",
        )
        return {"appointment_confirm": "ja", "appointment_result": case_id}


def validate_ref(form: IdentifyingFormValidation, value: Any, dispatcher: CollectingDispatcher,
                 tracker: Tracker) -> dict[str, Any]:
    if aborted := form._aborted(value, dispatcher):
        return {"appointment_ref": None, **aborted}
    upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
    text = str(value)
    if len(upcoming) == 1 and booking.yes_or_no(text) is True:
        return {"appointment_ref": upcoming[0].ref}
    if booking.yes_or_no(text) is False:
        return {"appointment_ref": None, "flow_aborted": True}
    for item in upcoming:
        if item.ref.lower() in text.lower():
            return {"appointment_ref": item.ref}
    config = get_calendar()
    slots = [booking.slot_from_id(b.slot, config) for b in upcoming]
    picked = booking.choose(text, slots, now_local())
    if isinstance(picked, int):
        return {"appointment_ref": upcoming[picked].ref}
    dispatcher.utter_message(text="Bitte wählen Sie einen Ihrer Termine aus.")
    return {"appointment_ref": None}


class ValidateLookupForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_lookup_form"


# ----------------------------------------------------------------------------- ask actions


class AskFromContent(Action, ABC):
    """Asks for a form slot with the text `ask_<slot>` from content/answers.yml and buttons from content."""

    @abstractmethod
    def name(self) -> str: ...

    def buttons(self, tracker: Tracker) -> tuple[Button, ...]:
        return ()

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, self.name().removeprefix("action_"), self.buttons(tracker))
        return []


class AskIdNumber(AskFromContent):
    def name(self) -> str:
        return "action_ask_id_number"


class AskIdBirthDate(AskFromContent):
    def name(self) -> str:
        return "action_ask_id_birth_date"

    async def run(self, dispatcher, tracker, domain):
        identity.expect_birth_date(get_book().redis, tracker.sender_id)  # the answer is shielded
        return await super().run(dispatcher, tracker, domain)


class AskAppointmentType(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_type"

    def buttons(self, tracker):
        return tuple(Button(t.name, t.aliases[0] if t.aliases else key, raw=True)
                     for key, t in get_calendar().types.items())


class AskAppointmentOffice(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_office"

    def buttons(self, tracker):
        offices = get_content().offices
        own = tracker.get_slot("customer_office")
        ordered = sorted(offices.values(), key=lambda o: o.key != own)
        return tuple(Button(o.name, o.aliases[0], raw=True) for o in ordered) + (Button("egal", "egal", raw=True),)


class AskAppointmentWish(AskFromContent):
    def name(self) -> str:
        return "action_ask_appointment_wish"

    def buttons(self, tracker):
        return (Button("so früh wie möglich", "so früh wie möglich", raw=True),)


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
        yes_no = (Button("Ja", "ja", raw=True), Button("Nein", "nein", raw=True))
        form = (tracker.active_loop or {}).get("name")
        if form == "cancel_form":
            old = get_book().get(tracker.get_slot("appointment_ref"))
            say(dispatcher, "cancel_confirm", yes_no, slot=booking.booking_text(content, old),
                reason=tracker.get_slot("cancel_reason"))
            return []
        slot = booking.slot_from_id(tracker.get_slot("appointment_choice"), config)
        new = booking.slot_text(content, slot.office, slot.start)
        if form == "reschedule_form":
            old = get_book().get(tracker.get_slot("appointment_ref"))
            say(dispatcher, "move_confirm", yes_no, old=booking.booking_text(content, old), new=new)
        else:
            say(dispatcher, "appt_confirm", yes_no, slot=new, type=config.types[slot.type].name)
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
        say(dispatcher, "id_failed", (Button("Mit einem Menschen sprechen", "request_human"),))
        return True
    if tracker.get_slot("flow_aborted"):
        if tracker.get_slot("appointment_result") != "duplicate" and (tracker.get_slot("appointment_offer") is not None
                                                                      or tracker.get_slot("appointment_wish") is None):
            say(dispatcher, "appt_aborted")
        return True
    return False


class ActionBookAppointment(Action):
    def name(self) -> str:
        return "action_book_appointment"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            send_booking_confirmation(dispatcher, tracker.get_slot("appointment_result"), "appt_booked")
        return reset_flow()


def send_booking_confirmation(dispatcher: CollectingDispatcher, ref: str, template_name: str) -> None:
    content, config = get_content(), get_calendar()
    record = get_book().get(ref)
    assert record is not None  # `ref` is the booking just made or moved
    office = content.offices[record.office]
    values: dict[str, Any] = dict(ref=record.ref, slot=booking.booking_text(content, record), ics_url=booking.ics_url(record.ics_token))
    if template_name == "appt_booked":
        values.update(address=f"{office.name}, {office.address}", bring=", ".join(config.types[record.type].bring))
    say(dispatcher, template_name, **values)
    say(dispatcher, "appt_legal")


class ActionRescheduleAppointment(Action):
    def name(self) -> str:
        return "action_reschedule_appointment"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            if not tracker.get_slot("appointment_result"):
                say(dispatcher, "appt_none_to_change", (Button("Termin vereinbaren", "book_appointment"),))
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
                say(dispatcher, "appt_none_to_change", (Button("Termin vereinbaren", "book_appointment"),))
            else:
                record = get_book().get(tracker.get_slot("appointment_ref"))
                reason = tracker.get_slot("cancel_reason")
                say(dispatcher, "cancel_done", slot=booking.booking_text(get_content(), record), reason=reason,
                    case=case_id)
                if reason == "krank" or (record.start.date() - now_local().date()).days <= 1:
                    say(dispatcher, "cancel_au_hint")
        return reset_flow()


class ActionListAppointments(Action):
    def name(self) -> str:
        return "action_list_appointments"

    async def run(self, dispatcher, tracker, domain):
        if not _ended_early(dispatcher, tracker):
            content = get_content()
            upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
            if upcoming:
                lines = "\n".join(f"• {booking.booking_text(content, b)} (Buchungsnummer {b.ref})" for b in upcoming)
                say(dispatcher, "appt_list", (Button("Termin verschieben", "reschedule_appointment"),
                                              Button("Termin absagen", "cancel_appointment")), appointments=lines)
            else:
                say(dispatcher, "appt_list_none", (Button("Termin vereinbaren", "book_appointment"),))
        return reset_flow()
