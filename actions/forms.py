"""Building blocks of the Rasa forms: the flow's slot reset, abort words and answer parsing in validation,
values volunteered in any message, and questions asked with a text from content/answers.yml.

Values volunteered: citizens say more than the question asked ("termin beratung nord nächste woche,
12345BG0000002 01.02.1979"). Before the form validates a message, `volunteered()` of the form picks every value
of its other empty slots out of the message; they are validated like answers, in the form's slot order,
but quietly: a value the form cannot use is dropped without a word (only the value asked for gets a
validation message), and a value it can use is never asked for again. This happens on every message of the
form, including the one that started it.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Callable

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, say
from bot.appointments import booking
from bot.content import Button
from bot.language import values

# intents whose message is about the flow itself, not a source of values
UNVOLUNTEERED = {"goodbye", "crisis", "threat", "threat_possible", "urgent_need"}

# actions that answer a question asked inside a form (bot/language/form_questions.py, config.yml)
ANSWER_ACTIONS = {"action_answer", "action_opening_hours", "action_contact", "action_housing_costs"}
# volunteered values whose check is heard all the same: a wrong date of birth is an identification attempt
ALWAYS_HEARD = {"id_birth_date"}

FLOW_SLOTS = ["id_number", "id_birth_date", "appointment_type", "appointment_office", "appointment_wish",
              "appointment_choice", "appointment_confirm", "appointment_ref", "cancel_reason", "appointment_offer",
              "appointment_result", "flow_aborted", "id_failed", "id_attempts", "outbound_pending", "id_guest", "guest_contact"]


def reset_flow() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


def answered_in_between(events: list[dict[str, Any]]) -> bool:
    """Whether the citizen's latest message was answered by one of ANSWER_ACTIONS before the form runs again."""
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") in ANSWER_ACTIONS:
            return True
    return False


VOLUNTEERED = "_volunteered"  # attribute of the (per-request) tracker: slots taken from a message unasked


class FlowFormValidation(FormValidationAction, ABC):
    """Validation with abort words ("vergiss es") that end the flow, answers parsed by a plain function, and
    values volunteered in any message taken quietly (see the module's docstring)."""

    @abstractmethod
    def name(self) -> str: ...

    def volunteered(self, tracker: Tracker, text: str) -> dict[str, Any]:
        """Slot values found in `text` that the citizen gave without being asked (form slot -> raw value)."""
        return {}

    def replaced(self, tracker: Tracker, found: dict[str, Any]) -> set[str]:
        """Slots whose value a message replaces although they are filled (a corrected number)."""
        return set()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = message_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested and text and answered_in_between(tracker.events):
            # back after a question was answered in between (bot/language/form_questions.py): the message was
            # the question, no answer and no source of values; the question asked before is asked again, unless
            # the citizen dropped the request with it ("ne warte doch nicht, wann habt ihr offen?")
            if self._aborted(text, dispatcher):
                return [SlotSet(requested, None), SlotSet("flow_aborted", True), SlotSet("requested_slot", None)]
            return [SlotSet(requested, None), SlotSet("requested_slot", requested)]
        if text and tracker.latest_message.get("intent", {}).get("name") not in UNVOLUNTEERED:
            wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
            candidates = tracker.slots_to_validate()
            found = self.volunteered(tracker, text)
            for slot in self.replaced(tracker, found):
                tracker.slots[slot] = None
            extra = {slot: found[slot] for slot in wanted
                     if found.get(slot) is not None and slot not in candidates and tracker.get_slot(slot) is None}
            if extra:
                # the answer's own candidate and the volunteered values, validated in the form's slot order
                del tracker.events[len(tracker.events) - len(candidates):]
                merged = {**{s: v for s, v in candidates.items() if s not in wanted},
                          **{s: candidates[s] if s in candidates else extra[s] for s in wanted
                             if s in candidates or s in extra}}
                for slot, value in merged.items():
                    tracker.events.append({"event": "slot", "name": slot, "value": value, "timestamp": None})
                    tracker.slots[slot] = value
            setattr(tracker, VOLUNTEERED, set(extra))
        return list(await super().run(dispatcher, tracker, domain))

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: dict) -> list[dict[str, Any]]:
        """rasa_sdk's validation loop, with volunteered values validated quietly: one the form cannot use is
        dropped together with what its validation said."""
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        quiet: set[str] = getattr(tracker, VOLUNTEERED, set())
        slots: dict[str, Any] = tracker.slots_to_validate()
        for slot_name, slot_value in list(slots.items()):
            if slot_name not in wanted:
                slots.pop(slot_name)
                continue
            method = getattr(self, f"validate_{slot_name}", None)
            if method is None or slot_value is None:  # None: the slot was only reset (start of a flow), no answer
                continue
            said = len(dispatcher.messages)
            output = await method(slot_value, dispatcher, tracker, domain)
            if slot_name in quiet and slot_name not in ALWAYS_HEARD and (output.get(slot_name) is None
                                                                        or output.get("flow_aborted")):
                del dispatcher.messages[said:]
                output = {slot_name: None}
            slots.update(output)
            tracker.slots.update(output)
        return [SlotSet(slot, value) for slot, value in slots.items()]

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
        """Abort words end the flow, unless the same message carries a number or a date: "… neunzehnhundert
        neunzig nein stopp neunzehnhundertneunzig" is a caller correcting themself, not giving up."""
        if isinstance(value, str) and booking.is_abort(value) and not re.search(r"\d", values.spoken_to_written(value)):
            return {"flow_aborted": True}
        return None


class AskFromContent(Action, ABC):
    """Asks for a form slot with the text `ask_<slot>` from content/answers.yml and buttons from content."""

    @abstractmethod
    def name(self) -> str: ...

    def buttons(self, tracker: Tracker) -> tuple[Button, ...]:
        return ()

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, self.name().removeprefix("action_"), self.buttons(tracker))
        return []
