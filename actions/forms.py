"""Building blocks of the Rasa forms: the flow's slot reset, abort words and answer parsing in validation,
and questions asked with a text from content/answers.yml."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import say
from bot.appointments import booking
from bot.content import Button

FLOW_SLOTS = ["id_number", "id_birth_date", "appointment_type", "appointment_office", "appointment_wish",
              "appointment_choice", "appointment_confirm", "appointment_ref", "cancel_reason", "appointment_offer",
              "appointment_result", "flow_aborted", "id_failed", "id_attempts", "outbound_pending"]


def reset_flow() -> list[dict[str, Any]]:
    return [SlotSet(name, None) for name in FLOW_SLOTS]


class FlowFormValidation(FormValidationAction, ABC):
    """Validation with abort words ("vergiss es") that end the flow, and answers parsed by a plain function."""

    @abstractmethod
    def name(self) -> str: ...

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


class AskFromContent(Action, ABC):
    """Asks for a form slot with the text `ask_<slot>` from content/answers.yml and buttons from content."""

    @abstractmethod
    def name(self) -> str: ...

    def buttons(self, tracker: Tracker) -> tuple[Button, ...]:
        return ()

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, self.name().removeprefix("action_"), self.buttons(tracker))
        return []
