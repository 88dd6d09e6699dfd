"""Declarations and requests (Veränderungsmitteilung, Ortsabwesenheit, Krankmeldung, Unterlagen, ...):
one Rasa form, `declaration_form`, driven by content/declarations.yml.

The form asks for identification where the declaration needs it (same slots and checks as the
appointment flows) and then for `decl_value` again and again; bot/declarations/flow.py decides what
each answer means and what to ask next, and bot/declarations/submit.py creates the case.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_intent, message_text, now_local, say, send
from actions.forms import reset_flow
from actions.handover import hand_over, report_threat
from actions.identification import ID_SLOTS, IdentifyingFormValidation, say_id_failed
from actions.knowledge import CONTEXT_SLOT, answer_instead_of_request
from bot.appointments import booking
from bot.appointments.store import get_book
from bot.content import Button, get_content
from bot.content import say as say_content
from bot.core.redis_server import redis_client
from bot.declarations import after, flow
from bot.declarations.catalogue import get_catalogue
from bot.declarations.flow import FINISHED
from bot.declarations.submit import (
    Submitter,
    link_reply,
    next_step,
    question_notes,
    report_here,
    submit,
    transcript_excerpt,
)
from bot.knowledge.answers import Reply, answer_for_intent, fill, housing_costs
from bot.knowledge.context import Context

QUESTION_CONFIDENCE = 0.5
DOCUMENTS = "request_documents"  # the declaration that sends forms and leaflets


def say_text(key: str) -> str:
    """A text of content/texts.yml."""
    return say_content(key, get_content())


def start_declaration(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> list[dict[str, Any]]:
    """The events that open the declaration of `intent` with every value the message already holds."""
    content, catalogue = get_content(), get_catalogue()
    declaration = catalogue.declarations.get(intent)
    if declaration is None:  # the declaration was removed from the content: answer instead
        reply = answer_for_intent(content, intent) or answer_for_intent(content, "help")
        if reply is not None:
            send(dispatcher, reply)
        return [SlotSet("decl_state", {"stage": "aborted", "message": ""})]
    state = flow.new_state(declaration, message_text(tracker), catalogue, now_local().date(), content)
    if declaration.intro and state["stage"] != "aborted":
        dispatcher.utter_message(text=fill(content, declaration.intro)[0])
    if flow.needs_identification(declaration, state, catalogue) and not tracker.get_slot("customer_id") \
            and state["stage"] in ("fields", "confirm"):
        notes = flow.opening_notes(declaration, state, catalogue, content)
        if notes:  # what was understood comes before the identification questions
            dispatcher.utter_message(text=notes)
            state = {**state, "noted": [], "notes": []}
    return [*reset_flow(), SlotSet("decl_state", state), SlotSet("decl_value", None)]


def start_document_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """A request for a form, leaflet or link that the NLU filed under the topic's question ("gibts dafür ein
    formular, link bitte"): the documents request starts here and its form follows at once."""
    return [*start_declaration(dispatcher, tracker, DOCUMENTS), FollowupAction("declaration_form")]


class ActionStartDeclaration(Action):
    def name(self) -> str:
        return "action_start_declaration"

    async def run(self, dispatcher, tracker, domain):
        if (answered := answer_instead_of_request(dispatcher, tracker)) is not None:
            # a general question the NLU filed as this request ("wo meld ich mich arbeitslos"): answered, and
            # the form that follows ends at once without a word
            return [*answered, *reset_flow(), SlotSet("decl_state", {"stage": "aborted", "message": "", "silent": True}),
                    SlotSet("decl_value", None)]
        return start_declaration(dispatcher, tracker, current_intent(tracker))


def _question_reply(intent: dict, text: str) -> Reply | None:
    """A question asked in the middle of a declaration ("wie teuer darf die wohnung sein?"): its answer."""
    name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0)
    if not flow.is_question(text) or confidence < QUESTION_CONFIDENCE or name in get_catalogue().declarations:
        return None
    content = get_content()
    if name == "ask_housing_costs":
        return housing_costs(content, text).reply
    if name in ("inform", "affirm", "deny", "greet", "goodbye", "nlu_fallback", "out_of_scope"):
        return None
    return answer_for_intent(content, name)


class ValidateDeclarationForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_declaration_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        state = tracker.get_slot("decl_state") or {}
        if tracker.get_slot("flow_aborted") or tracker.get_slot("id_failed") or state.get("stage", "aborted") in FINISHED:
            return []
        declaration = get_catalogue().declarations.get(state.get("intent", ""))
        if declaration is None:
            return []
        if flow.needs_identification(declaration, state, get_catalogue()) and not tracker.get_slot("customer_id"):
            return [*ID_SLOTS, "decl_value"]
        return ["decl_value"]

    async def validate_decl_value(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: dict) -> dict[str, Any]:
        if value is None:  # the slot was only reset (start of the form), nothing was answered
            return {}
        state = tracker.get_slot("decl_state") or {}
        catalogue = get_catalogue()
        declaration = catalogue.declarations.get(state.get("intent", ""))
        if declaration is None:
            return {"decl_value": "fertig"}
        intent = tracker.latest_message.get("intent") or {}
        interruption = flow.interruption(intent.get("name"), intent.get("confidence"), str(value))
        if interruption == "threat":
            # never filed as an answer: the threat is handled as anywhere else, the declaration stops
            report_threat(dispatcher, tracker)
            return {"decl_state": {**state, "stage": "aborted", "message": "", "silent": True}, "decl_value": "fertig"}
        if interruption == "handover":
            return {"decl_state": {**state, "stage": "aborted", "message": "", "handover": True},
                    "decl_value": "fertig"}
        state = {**state, "customer_name": tracker.get_slot("customer_name") or ""}
        step = flow.answer(declaration, state, str(value), now_local().date(), catalogue, get_content())
        if flow.took_nothing(state, step.state) and intent.get("name") == "check_appointment" \
                and float(intent.get("confidence") or 0) >= 0.8 and tracker.get_slot("customer_id"):
            # "ach und wann ist eigentlich mein termin" while reporting: answered, the same question follows
            upcoming = get_book().upcoming(tracker.get_slot("customer_id"), now_local())
            if upcoming:
                say(dispatcher, "appt_list", appointments=booking.appointment_list(get_content(), upcoming))
            else:
                say(dispatcher, "appt_list_none")
            return {"decl_state": state, "decl_value": None}
        if flow.took_nothing(state, step.state):
            question = _question_reply(intent, str(value))
            if question is not None:  # answered; the same question follows
                send(dispatcher, question)
                return {"decl_state": state, "decl_value": None}
        for message in step.messages:
            dispatcher.utter_message(text=message)
        done = step.state["stage"] in FINISHED
        return {"decl_state": step.state, "decl_value": "fertig" if done else None}

    async def validate_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict[str, Any]:
        """No number ("hab keine kundennummer", "weiss ich nicht"): the declaration is taken without it,
        marked "nicht identifiziert", with contact data for the team; a forgotten number gets where to find it."""
        state = tracker.get_slot("decl_state") or {}
        catalogue = get_catalogue()
        declaration = catalogue.declarations.get(state.get("intent", ""))
        reason = flow.no_number(str(value or "")) if declaration is not None else None
        if declaration is None or reason is None:
            return await super().validate_id_number(value, dispatcher, tracker, domain)
        if not flow.may_go_unidentified(declaration, state, catalogue):
            message = fill(get_content(), say_text("declarations.unidentified_not_possible"))[0]
            return {"id_number": None, "id_birth_date": None,
                    "decl_state": {**state, "stage": "aborted", "message": message}, "decl_value": "fertig"}
        dispatcher.utter_message(text=say_text("declarations.forgotten_number" if reason == "forgotten"
                                               else "declarations.no_number"))
        return {"id_number": None, "id_birth_date": None, "decl_state": flow.unidentified(state)}


class ActionAskDeclValue(Action):
    def name(self) -> str:
        return "action_ask_decl_value"

    async def run(self, dispatcher, tracker, domain):
        state = tracker.get_slot("decl_state") or {}
        catalogue = get_catalogue()
        declaration = catalogue.declarations.get(state.get("intent", ""))
        if declaration is not None:
            send(dispatcher, flow.prompt(declaration, state, catalogue, get_content()))
        return []


class ActionSubmitDeclaration(Action):
    def name(self) -> str:
        return "action_submit_declaration"

    async def run(self, dispatcher, tracker, domain):
        events = [*reset_flow(), SlotSet("decl_state", None), SlotSet("decl_value", None)]
        state = tracker.get_slot("decl_state") or {}
        content, catalogue = get_content(), get_catalogue()
        declaration = catalogue.declarations.get(state.get("intent", ""))
        if tracker.get_slot("id_failed"):
            say_id_failed(dispatcher)
            return events
        stage = "aborted" if tracker.get_slot("flow_aborted") else state.get("stage")
        if declaration is None or stage == "aborted":
            if state.get("silent"):
                return events
            if state.get("handover"):
                say(dispatcher, "decl_to_human")
                return events + hand_over(dispatcher, tracker, "normal")
            if state.get("message") and state.get("buttons"):
                # answered with an offer ("Möchten Sie …?"): the buttons are the next step
                send(dispatcher, Reply(state["message"], tuple(Button(str(t), str(i)) for t, i in state["buttons"])))
                offered = str(state["buttons"][0][1])
                if offered not in catalogue.declarations:
                    return events
                # a typed "ja" takes the offered declaration as a click would (report_here_instead_of_answer)
                return [*events, SlotSet(CONTEXT_SLOT, Context("documents", offer=offered).to_slot())]
            if state.get("message"):
                dispatcher.utter_message(text=state["message"])
            elif declaration is not None:
                say(dispatcher, "decl_aborted")
            send(dispatcher, next_step(content))
            return events
        if stage == "link":
            send(dispatcher, link_reply(declaration, state, catalogue, content))
            send(dispatcher, next_step(content))
            # follow-ups ("wo geb ich das ab", "kann ich das auch hier melden") know what was sent
            context = Context("documents", offer=report_here(declaration, state, catalogue))
            return [*events, SlotSet(CONTEXT_SLOT, context.to_slot())]
        if stage != "send":
            return events
        who = Submitter(customer=tracker.get_slot("customer_id"),
                        office=tracker.get_slot("customer_office") or "",
                        channel=tracker.get_latest_input_channel() or "",
                        transcript=tuple(transcript_excerpt(tracker.events)))
        for reply in submit(declaration, state, catalogue, content, redis_client(), get_book(), who, now_local()):
            send(dispatcher, reply)
        send(dispatcher, next_step(content, state))
        # "muss ich noch was machen? krieg ich mehr geld?" right after: answered for this declaration
        sent = after.detail(declaration.intent, question_notes(declaration, state, catalogue))
        if sent is None:
            return events
        return [*events, SlotSet(CONTEXT_SLOT, Context(after.TOPIC, detail=sent).to_slot())]
