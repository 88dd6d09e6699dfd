"""Appointment flows: book, move, cancel and look up, each a Rasa form with identification first
(actions/identification.py). This module validates the answers; the questions and the results are in
actions/appointment_replies.py.

The forms only collect and validate answers; the work (offers, atomic booking, cancelling, moving)
happens in bot/appointments/booking.py and bot/appointments/store.py. Booking, moving and cancelling run when the
citizen confirms, inside the form, so that a slot taken in the meantime leads straight to new offers.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC
from typing import Any, Literal

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local, say
from actions.identification import ID_SLOTS, IdentifyingFormValidation
from bot.appointments import booking
from bot.appointments.calendar import find_type, get_calendar
from bot.appointments.store import Booking, get_book
from bot.cases.store import CaseStore
from bot.content import Button, get_content
from bot.core.redis_server import redis_client
from bot.declarations import sick_note
from bot.identity import guard as identity
from bot.language import values
from bot.language.dates import WISH_SEPARATOR, Wish, WishError, parse_wish, parse_wishes
from bot.language.textparse import normalise

SOON = re.compile(r"\b(schnell\w*|frueh\w*|bald|sofort|zeitnah|naechstmoeglich\w*|asap|dringend)\b")



def guest_contact(text: str) -> tuple[str, str, str | None] | None:
    """Name, phone number and (if given) date of birth of a first applicant, or None without name and phone."""
    name, phone = values.find_name(text), values.find_phone(text)
    if not name or not phone:
        return None
    found = values.identification(text, now_local().date())
    return name, phone, found.birth_date.strftime("%d.%m.%Y") if found.birth_date else None


def earlier_appointment(tracker: Tracker) -> Booking | None:
    """The appointment this conversation last dealt with (booked, moved, cancelled or looked up), if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "appointment_ref" and event.get("value"):
            return get_book().get(str(event["value"]))
    return None


class AppointmentFormValidation(IdentifyingFormValidation, ABC):
    """An appointment form; moving or cancelling ends at once when the citizen has no upcoming appointment."""

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        customer = tracker.get_slot("customer_id")
        if customer and "appointment_ref" in slots and not get_book().upcoming(customer, now_local()):
            return []
        return slots

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> list[dict[str, Any]]:
        """After identification: a citizen with exactly one upcoming appointment is not asked which one."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        customer = tracker.get_slot("customer_id")
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        if customer and "appointment_ref" in wanted and not tracker.get_slot("appointment_ref"):
            upcoming = get_book().upcoming(customer, now_local())
            if len(upcoming) == 1:
                tracker.slots["appointment_ref"] = upcoming[0].ref
                events.append(SlotSet("appointment_ref", upcoming[0].ref))
                events += [SlotSet(k, v) for k, v in self._after_ref(tracker).items()]
        return events

    def _after_ref(self, tracker: Tracker) -> dict[str, Any]:
        """Slot updates once the appointment is known (moving: offers for a wish given before)."""
        return {}

    async def validate_appointment_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_ref": None, **aborted}
        upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
        picked = booking.pick_booking(str(value), upcoming, get_calendar(), now_local())
        if picked is False:
            return {"appointment_ref": None, "flow_aborted": True}
        if isinstance(picked, str):
            tracker.slots["appointment_ref"] = picked
            return {"appointment_ref": picked, **self._after_ref(tracker)}
        dispatcher.utter_message(text="Bitte wählen Sie einen Ihrer Termine aus.")
        return {"appointment_ref": None}


class OfferingFormValidation(AppointmentFormValidation, ABC):
    """Booking and moving: a wish, offers, a choice and the confirmation, with a new wish possible at each step.
    Wishes accumulate: "nachmittags", then "lieber Mittwoch" looks for Wednesday afternoons (`parse_wishes`)."""

    def _exclude(self, tracker: Tracker) -> tuple[str, ...]:
        return ()

    def _ready(self, tracker: Tracker) -> bool:
        """Whether offers can be made: what is offered (type, office) is known."""
        return True

    def _offer_for(self, wish: Wish, type_key: str, offices: list[str], dispatcher: CollectingDispatcher,
                   tracker: Tracker) -> dict[str, Any]:
        offer = booking.make_offer(get_content(), get_calendar(), get_book(), type_key, offices, wish, now_local(),
                                   exclude=self._exclude(tracker))
        if not offer.slots:
            dispatcher.utter_message(text=offer.intro)
            return {"appointment_offer": None, "flow_aborted": True}
        return {"appointment_offer": {"intro": offer.intro, "slots": [s.id for s in offer.slots]}}

    def _offer_now(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """New offers for the wishes so far, once everything they depend on is known."""
        wishes = tracker.get_slot("appointment_wish")
        if not wishes or not self._ready(tracker):
            return {}
        wish = self._wish_from(tracker, wishes)
        if isinstance(wish, WishError):
            return {}
        offer = self._offer_for(wish, self._type(tracker), self._offices(tracker), dispatcher, tracker)
        slots = (offer.get("appointment_offer") or {}).get("slots") or []
        config = get_calendar()
        wanted = dt.datetime.combine(wish.dates[0], wish.exact) if wish.exact and len(wish.dates) == 1 else None
        exact = [s for s in slots if wanted and booking.slot_from_id(s, config).start.replace(tzinfo=None) == wanted]
        # a day and a time that are free: straight to the confirmation of that slot
        return {"appointment_choice": exact[0] if exact else None, **offer}

    def _wish_from(self, tracker: Tracker, wishes: str) -> Wish | WishError:
        return parse_wishes(wishes, now_local())

    def _corrections(self, tracker: Tracker, text: str) -> dict[str, Any]:
        """What a message changes of the booking besides the time: another type or office ("nein, doch
        antragsannahme", "lieber in mitte")."""
        found = self.volunteered_in_rest(tracker, text)
        return {slot: value for slot, value in found.items()
                if slot in ("appointment_type", "appointment_office") and value and value != tracker.get_slot(slot)}

    def _corrected(self, tracker: Tracker, text: str, dispatcher: CollectingDispatcher,
                   extra: dict[str, Any]) -> dict[str, Any] | None:
        """Slot updates for a correction of type or office (with a new wish if the message has one), else None."""
        changes = self._corrections(tracker, text)
        if not changes:
            return None
        tracker.slots.update(changes)
        wish = self.volunteered_wish(text)
        if wish:
            return {**changes, **self._rewish(wish, tracker, dispatcher, extra)}
        return {**extra, **changes, **self._offer_now(tracker, dispatcher)}

    def _offices(self, tracker: Tracker) -> list[str]:
        return booking.offices_for(get_content(), tracker.get_slot("appointment_office"))

    def _type(self, tracker: Tracker) -> str:
        return tracker.get_slot("appointment_type") or "beratung"

    def _new_wish(self, text: str, tracker: Tracker) -> str:
        """The wishes so far with the new one added (the new one refines the earlier ones)."""
        before = tracker.get_slot("appointment_wish")
        return f"{before}{WISH_SEPARATOR}{text}" if before else text

    def _rewish(self, text: str, tracker: Tracker, dispatcher: CollectingDispatcher,
                extra: dict[str, Any]) -> dict[str, Any]:
        wishes = self._new_wish(text, tracker)
        tracker.slots["appointment_wish"] = wishes
        return {**extra, "appointment_wish": wishes, **self._offer_now(tracker, dispatcher)}

    def volunteered_wish(self, rest: str) -> str | None:
        """A wish for the day or time in a message ("nächste woche nachmittags", "auf mittwoch legen")."""
        wish = parse_wish(rest, now_local())
        if not isinstance(wish, Wish) or not wish.says_something():
            return None
        if not (wish.dates or wish.has_time() or wish.not_weekdays) and not SOON.search(normalise(rest)):
            return None  # a bare "egal" answers the question asked (the office), it is no wish for the time
        return rest

    async def validate_appointment_wish(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_wish": None, **aborted}
        wish = self._wish_from(tracker, str(value))
        if isinstance(wish, WishError):
            dispatcher.utter_message(text=booking.wish_error_text(wish))
            return {"appointment_wish": None}
        tracker.slots["appointment_wish"] = str(value)
        return {"appointment_wish": str(value), "appointment_choice": None, **self._offer_now(tracker, dispatcher)}

    async def validate_appointment_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_choice": None, **aborted}
        offered_ids = (tracker.get_slot("appointment_offer") or {}).get("slots", [])
        config = get_calendar()
        offered = [booking.slot_from_id(s, config) for s in offered_ids]
        corrected = self._corrected(tracker, str(value), dispatcher, {"appointment_choice": None})
        if corrected is not None:
            return corrected
        picked = booking.choose(str(value), offered, now_local())
        if isinstance(picked, int):
            return {"appointment_choice": offered_ids[picked]}
        if isinstance(picked, Wish):
            return self._rewish(str(value), tracker, dispatcher, {"appointment_choice": None})
        if isinstance(picked, WishError):
            dispatcher.utter_message(text=booking.wish_error_text(picked))
        else:
            say(dispatcher, "appt_choice_invalid")
        return {"appointment_choice": None}

    def _confirmation(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Literal[True] | dict[str, Any]:
        """True on yes; otherwise the slot updates for a correction, a no or an unclear answer."""
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_confirm": None, **aborted}
        answer = booking.confirmation(str(value), now_local())
        if answer is True:
            return True
        corrected = self._corrected(tracker, str(value), dispatcher, {"appointment_confirm": None})
        if corrected is not None:
            return corrected
        if isinstance(answer, Wish):
            return self._rewish(str(value), tracker, dispatcher, {"appointment_confirm": None})
        if answer is False:  # "nein": what should be different? The offers stay open for another choice.
            say(dispatcher, "appt_what_to_change")
            return {"appointment_confirm": None, "appointment_choice": None}
        say(dispatcher, "confirm_unclear")
        return {"appointment_confirm": None}


class ValidateBookingForm(OfferingFormValidation):
    """Booking; a first applicant without a BG-Nummer books an Antragsannahme as a guest (name, date of birth,
    phone), marked "nicht identifiziert" for the team."""

    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        if tracker.get_slot("id_guest") and not tracker.get_slot("flow_aborted"):
            return [s for s in domain_slots if s not in ID_SLOTS]
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        return [s for s in slots if s != "guest_contact"]

    def without_number(self, reason: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if reason != "first_application":
            return super().without_number(reason, dispatcher, tracker)
        say(dispatcher, "id_no_number_guest_booking")
        return {"id_number": None, "id_guest": True, "appointment_type": "antrag"}

    def volunteered_in_rest(self, tracker: Tracker, rest: str) -> dict[str, Any]:
        rest = re.sub(r"(\w{4,}?)s?termin", r"\1 termin", rest, flags=re.IGNORECASE)  # "Beratungstermin"
        return {"appointment_type": find_type(rest, get_calendar()),
                "appointment_office": booking.office_named(get_content(), rest),
                "appointment_wish": self.volunteered_wish(rest)}

    def volunteered(self, tracker: Tracker, text: str) -> dict[str, Any]:
        found = super().volunteered(tracker, text)
        context = tracker.get_slot("knowledge_context") or {}
        if not found.get("appointment_office") and isinstance(context, dict) and context.get("office") \
                and context.get("topic") in ("opening_hours", "contact"):
            found["appointment_office"] = context["office"]  # "ja termin" after the hours of an office
        if not found.get("appointment_type") and not tracker.get_slot("appointment_type"):
            # "kann ich gleich nen neuen machen" after a cancellation: the same kind of appointment again
            found["appointment_type"] = booking.replacement_type(text, earlier_appointment(tracker))
        if tracker.get_slot("id_guest") and tracker.get_slot("requested_slot") != "guest_contact":
            found = {k: v for k, v in found.items() if k not in ID_SLOTS}
            if guest_contact(text) is not None:
                found["guest_contact"] = text
        return found

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = message_text(tracker)
        if booking.BRING_QUESTION.search(normalise(text)) and not booking.office_named(get_content(), text):
            # "was muss ich da mitbringen?" while the booking asks: answered, then the same question again
            types = get_calendar().types
            chosen = tracker.get_slot("appointment_type")
            for key in [chosen] if chosen in types else list(types):
                say(dispatcher, "appt_bring", type=types[key].name, bring=", ".join(types[key].bring))
            requested = tracker.get_slot("requested_slot")
            return [SlotSet(str(requested), None), SlotSet("requested_slot", requested)] if requested else []
        return await super().run(dispatcher, tracker, domain)

    async def validate_guest_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"guest_contact": None, **aborted}
        contact = guest_contact(str(value))
        if contact is None:
            say(dispatcher, "guest_contact_invalid")
            return {"guest_contact": None}
        name, phone, born = contact
        if born:  # for the team's case only, kept out of the tracker
            identity.keep_birth_date(redis_client(), tracker.sender_id, born)
        return {"guest_contact": f"{name}, Telefon {phone}"}

    def _ready(self, tracker: Tracker) -> bool:
        return bool(tracker.get_slot("appointment_type") and tracker.get_slot("appointment_office"))

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> list[dict[str, Any]]:
        """An identified citizen who said when but named no office gets offers in their own office (their team
        is there); without a wish the office is asked."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        duplicate = self._existing_of_type(tracker)
        if duplicate is not None:  # one appointment of a kind: offer to move or cancel it, before any offers
            say(dispatcher, "appt_duplicate", (Button("Termin verschieben", "reschedule_appointment"),
                                               Button("Termin absagen", "cancel_appointment")),
                slot=booking.booking_text(get_content(), duplicate))
            tracker.slots["flow_aborted"] = True
            return [*events, SlotSet("flow_aborted", True), SlotSet("appointment_result", "duplicate")]
        own = tracker.get_slot("customer_office")
        if (own and tracker.get_slot("appointment_wish") and not tracker.get_slot("appointment_office")
                and not tracker.get_slot("flow_aborted")):
            tracker.slots["appointment_office"] = own
            events += [SlotSet("appointment_office", own),
                       *(SlotSet(k, v) for k, v in self._offer_now(tracker, dispatcher).items())]
        return events

    async def validate_appointment_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        result = self._parse_answer("appointment_type", value, dispatcher, lambda text: find_type(text, get_calendar()),
                                    "not_understood_choice")
        tracker.slots.update(result)
        return {**result, **(self._offer_now(tracker, dispatcher) if result.get("appointment_type") else {})}

    async def validate_appointment_office(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: dict) -> dict[str, Any]:
        result = self._parse_answer("appointment_office", value, dispatcher,
                                    lambda text: booking.office_answer(get_content(), text), "not_understood_choice")
        tracker.slots.update(result)
        return {**result, **(self._offer_now(tracker, dispatcher) if result.get("appointment_office") else {})}

    async def validate_appointment_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: dict) -> dict[str, Any]:
        decision = self._confirmation(value, dispatcher, tracker)
        if decision is not True:
            return decision
        slot = booking.slot_from_id(tracker.get_slot("appointment_choice"), get_calendar())
        guest = tracker.get_slot("guest_contact") if tracker.get_slot("id_guest") else None
        customer = booking.guest_key(guest) if guest else tracker.get_slot("customer_id")
        outcome = get_book().book(customer, slot, now_local())
        if outcome.ok:
            assert outcome.booking is not None  # a successful booking is read back
            if guest:
                self._guest_case(tracker, outcome.booking.ref, slot, guest)
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
        wish = booking.wish_or_asap(tracker.get_slot("appointment_wish"), now_local())
        return {"appointment_confirm": None, "appointment_choice": None,
                **self._offer_for(wish, slot.type, self._offices(tracker), dispatcher, tracker)}


    @staticmethod
    def _existing_of_type(tracker: Tracker) -> Any:
        """The citizen's upcoming appointment of the wished type, where only one of a kind is allowed."""
        customer, type_key = tracker.get_slot("customer_id"), tracker.get_slot("appointment_type")
        if (not customer or not type_key or tracker.get_slot("flow_aborted") or tracker.get_slot("appointment_result")
                or get_calendar().allow_parallel_same_type):
            return None
        return next((b for b in get_book().upcoming(customer, now_local()) if b.type == type_key), None)

    @staticmethod
    def _guest_case(tracker: Tracker, ref: str, slot: Any, guest: str) -> None:
        """The team's case for a booking without BG-Nummer: who, when, and "nicht identifiziert"."""
        born = identity.take_birth_date(redis_client(), tracker.sender_id)
        content = get_content()
        fields = {"person": guest + (f", geb. {born}" if born else ""), "buchung": ref,
                  "termin": booking.slot_text(content, slot.office, slot.start), "identifiziert": "nicht identifiziert"}
        CaseStore(get_book().redis).create("termin_ohne_nummer", fields, now_local(), office=slot.office,
                                           idempotency_key=f"guest:{ref}",
                                           summary=f"Antragsannahme ohne BG-Nummer (nicht identifiziert): {guest}")


class ValidateRescheduleForm(OfferingFormValidation):
    def name(self) -> str:
        return "validate_reschedule_form"

    def _type(self, tracker: Tracker) -> str:
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        return old.type if old else "beratung"

    def _offices(self, tracker: Tracker) -> list[str]:
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        return [old.office] if old else list(get_content().offices)

    def _exclude(self, tracker: Tracker) -> tuple[str, ...]:
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        return (old.slot,) if old else ()

    def _ready(self, tracker: Tracker) -> bool:
        return bool(tracker.get_slot("appointment_ref"))

    def _after_ref(self, tracker: Tracker) -> dict[str, Any]:
        return self._offer_now(tracker, CollectingDispatcher())

    async def validate_appointment_wish(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        text = normalise(str(value))
        if not tracker.get_slot("appointment_ref") and (booking.RELATIVE_DAYS.search(text)
                                                        or booking.SAME_TIME.search(text)):
            return {"appointment_wish": str(value)}  # relative to the appointment: offers once it is known
        return await super().validate_appointment_wish(value, dispatcher, tracker, domain)

    def _wish_from(self, tracker: Tracker, wishes: str) -> Wish | WishError:
        """Wishes relative to the appointment being moved ("gleiche uhrzeit, einen tag später") included."""
        old = get_book().get(tracker.get_slot("appointment_ref") or "")
        if old is not None:
            wishes = WISH_SEPARATOR.join(booking.relative_to(w, old.start) for w in wishes.split(WISH_SEPARATOR))
        return parse_wishes(wishes, now_local())

    def volunteered_in_rest(self, tracker: Tracker, rest: str) -> dict[str, Any]:
        """The new time ("bitte auf mittwoch nachmittag legen"); the old one is named before "auf"/"lieber"."""
        marker = re.search(r"\b(auf|lieber|stattdessen|dafuer|dafür|neu|neuer|neuen|besser)\b", rest, re.IGNORECASE)
        if not marker and tracker.get_slot("requested_slot") == "appointment_ref":
            return {}  # "den am montag" names the appointment to move, not the new time
        wanted = rest[marker.end():] if marker else rest
        relative = booking.RELATIVE_DAYS.search(normalise(wanted)) or booking.SAME_TIME.search(normalise(wanted))
        return {"appointment_wish": wanted if relative else self.volunteered_wish(wanted)}

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
                **self._offer_for(Wish(asap=True), slot.type, [slot.office], dispatcher, tracker)}


class ValidateCancelForm(AppointmentFormValidation):
    def name(self) -> str:
        return "validate_cancel_form"

    def volunteered_in_rest(self, tracker: Tracker, rest: str) -> dict[str, Any]:
        """A reason given with the request ("bitte termin absagen, bin erkältet")."""
        return {"cancel_reason": rest if booking.has_cancel_reason(rest) else None}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        """After a sick note for the appointment's time the reason is known ("krank", with the note's number)."""
        carried = [] if tracker.get_slot("cancel_reason") else self._sick_reason(tracker)
        if carried:
            tracker.slots["cancel_reason"] = carried[0]["value"]
        return [*carried, *await super().run(dispatcher, tracker, domain)]

    @staticmethod
    def _sick_reason(tracker: Tracker) -> list[dict[str, Any]]:
        customer = tracker.get_slot("customer_id")
        if not customer:
            return []
        book = get_book()
        upcoming = book.upcoming(customer, now_local())
        ref = tracker.get_slot("appointment_ref")
        days = [b.start.date() for b in upcoming if not ref or b.ref == ref]
        reason = sick_note.reason(book.redis, customer, days)
        return [SlotSet("cancel_reason", reason)] if reason else []

    async def validate_cancel_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"cancel_reason": None, **aborted}
        return {"cancel_reason": booking.cancel_reason(str(value))}

    async def validate_appointment_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                           domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"appointment_confirm": None, **aborted}
        text = str(value)
        answer = booking.yes_or_no(text)
        if re.search(r"\bgrund\b", normalise(text)) or (answer is None and booking.has_cancel_reason(text)):
            reason = booking.cancel_reason(re.sub(r"^\s*(nein|ne|nee)\b[\s,]*", "", text, flags=re.IGNORECASE))
            return {"appointment_confirm": None, "cancel_reason": reason} if reason else {"appointment_confirm": None}
        if re.search(r"\b(behalten|nicht absagen|doch hin|komme doch)\b", normalise(text)):
            return {"appointment_confirm": None, "flow_aborted": True}
        if answer is None:
            say(dispatcher, "confirm_unclear")
            return {"appointment_confirm": None}
        if answer is False:  # "nein": what should be different? A new reason, or keep the appointment
            say(dispatcher, "cancel_what_to_change", (Button("Termin behalten", "Termin behalten"),))
            return {"appointment_confirm": None}
        customer, ref, reason = tracker.get_slot("customer_id"), tracker.get_slot("appointment_ref"), tracker.get_slot("cancel_reason")
        outcome = get_book().cancel(customer, ref, reason, now_local())
        if not outcome.ok:
            return {"appointment_confirm": None, "flow_aborted": True}
        old = outcome.booking
        assert old is not None  # a successful cancellation reads the booking back
        fields, summary = booking.cancellation_case(old, reason, now_local().date())
        case_id = CaseStore(get_book().redis).create("terminabsage", fields, now_local(), customer=customer,
                                                     idempotency_key=f"cancel:{ref}", office=old.office, summary=summary)
        return {"appointment_confirm": "ja", "appointment_result": case_id}


class ValidateLookupForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_lookup_form"
