from bot.content import get_content
from bot.declarations import after
from bot.declarations.catalogue import get_catalogue
from bot.knowledge.context import Context


def test_questions_about_what_comes_next():
    for text in ("muss ich noch was machen? krieg ich mehr geld?", "krieg ich dann weniger geld? und was muss ich "
                 "noch machen", "wie geht es jetzt weiter", "was passiert jetzt", "bekomm ich trotzdem noch was"):
        assert after.asks_what_next(text), text
    for text in ("wann habt ihr offen", "ich muss meinen termin absagen", "danke das wars"):
        assert not after.asks_what_next(text), text


def test_the_answer_is_the_sent_declarations_question_notes():
    catalogue, content = get_catalogue(), get_content()
    change = catalogue.declarations["report_change"]
    moved = [i for i, n in enumerate(change.notes) if n.at == "question" and "umzug" in n.match]
    reply = after.answer(after.detail("report_change", moved), catalogue, content)
    assert reply is not None and "Mietvertrag" in reply.text and "neu berechnet" in reply.text
    assert after.detail("report_change", []) is None
    assert after.answer("report_change:0", catalogue, content) is None  # a note said after sending, not a question
    assert after.answer("gibts_nicht:0", catalogue, content) is None and after.answer(None, catalogue, content) is None


def test_the_context_keeps_the_detail():
    context = Context(after.TOPIC, detail="report_employment:0")
    assert Context.from_slot(context.to_slot()) == context
