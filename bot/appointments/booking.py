"""The appointment dialogue's logic, independent of Rasa: understanding answers (choice, yes/no,
abort, cancel reason), finding offers, and the texts shown to the citizen."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.appointments.calendar import CalendarConfig, Slot, candidate_slots
from bot.appointments.store import AppointmentBook, Booking
from bot.content import Content, say
from bot.core.settings import EndpointSettings
from bot.knowledge import answers as knowledge
from bot.language import textparse
from bot.language.dates import Wish, WishError, parse_wish, parse_wishes
from bot.language.formatting import WEEKDAY_NAMES
from bot.language.formatting import date as format_date
from bot.languages import words

ABORT = re.compile(r"\b(vergiss es|vergessen sie es|abbrechen|abbruch|stopp?|doch nicht|lass es|lassen wir das|"
                   r"kein termin|keinen termin|ich will nicht mehr|cancel|beenden)\b")
YES = re.compile(r"^\s*(ja+|jo|jep|jup|yes|ok|okay|gern|gerne|passt|genau|richtig|stimmt|bitte|buchen|bestaetigen|"
                 r"bestaetige|einverstanden|klar|natuerlich|sicher|mach das|machen sie das|in ordnung)\b")
NO = re.compile(r"^\s*(nein|nee|ne|noe|no|nicht|lieber nicht|falsch|anders)\b")
ORDINALS = {"1": 0, "eins": 0, "erste": 0, "ersten": 0, "erster": 0, "2": 1, "zwei": 1, "zweite": 1, "zweiten": 1,
            "zweiter": 1, "3": 2, "drei": 2, "dritte": 2, "dritten": 2, "dritter": 2, "letzte": -1, "letzten": -1}
CANCEL_REASONS = {
    "krank": ("krank", "krankheit", "au", "arbeitsunfaehig", "grippe", "fieber", "krankgeschrieben", "arzt",
              "krankenhaus", "corona", "erkaeltet"),
    "Arbeit": ("arbeit", "arbeiten", "schicht", "job", "dienst", "arbeitgeber", "arbeite"),
    "Vorstellungsgespräch": ("vorstellungsgespraech", "vorstellungsgesprach", "bewerbungsgespraech",
                             "vorstellung", "probearbeiten"),
    "Kinderbetreuung": ("kind", "kinder", "kita", "kinderbetreuung", "betreuung", "tochter", "sohn", "baby",
                        "schule"),
}


def is_abort(text: str) -> bool:
    return bool(ABORT.search(textparse.normalise(text))) or words.is_abort(text)


def is_any(text: str) -> bool:
    return bool(re.search(r"\b(egal|beliebig|irgendeine?|irgendwo|alle|ganz gleich|wo es am schnellsten geht)\b",
                          textparse.normalise(text)))


def yes_or_no(text: str) -> bool | None:
    norm = textparse.normalise(text)
    if YES.search(norm):
        return True
    if NO.search(norm):
        return False
    return words.yes_or_no(text)  # the other languages' words ("так", "evet", "نعم")


def guest_key(contact: str) -> str:
    """The booking book's key for a guest without BG-Nummer (one per name and phone)."""
    import hashlib

    return "GAST-" + hashlib.sha256(contact.lower().encode()).hexdigest()[:12].upper()


def has_cancel_reason(text: str) -> bool:
    """Whether a message names one of the known reasons for cancelling (also inside a compound: "Arzttermin")."""
    words = re.findall(r"[a-z]+", textparse.normalise(text))
    return any(word == key or (len(key) >= 4 and word.startswith(key))
               for word in words for keys in CANCEL_REASONS.values() for key in keys)


def cancel_reason(text: str) -> str:
    """The reason as recorded: a category for a bare category ("krank", a clicked button), otherwise the
    citizen's own words ("mein sohn hat eine op, ich muss mit ins krankenhaus" is not "krank")."""
    cleaned = re.sub(r"^\s*(?:der |den |mein )?grund(?: ist)?\s*[:,-]?\s*", "", text.strip(), flags=re.IGNORECASE)
    words = re.findall(r"[a-z]+", textparse.normalise(cleaned))
    if len(words) <= 3:
        for label, keys in CANCEL_REASONS.items():
            if set(words) & set(keys) or textparse.normalise(label) in " ".join(words):
                return label
    return cleaned[:200]


NEW_JOB = re.compile(r"\b(neue[nr]? (arbeit|job|stelle)|arbeit gefunden|job gefunden|fange? .{0,30}\b(an|arbeiten)|"
                     r"(hab|habe|hab ich|habe ich) (jetzt |endlich |wieder |seit \w+ )*(einen|nen|ne|eine|n) "
                     r"(neue[nr]? |feste[nr]? )?(job|arbeit|stelle|arbeitsstelle|arbeitsplatz)|"
                     r"seit (\w+ ){1,2}(arbeite|arbeiten|beschaeftigt)|arbeite (jetzt|wieder|seit)|"
                     r"arbeitsbeginn|erster arbeitstag|eingestellt|arbeitsvertrag)\b")


def new_job(reason: str | None) -> bool:
    """Whether a cancellation reason says the citizen starts a new job (then it should be reported)."""
    return bool(reason and NEW_JOB.search(textparse.normalise(reason)))


OWN_ILLNESS = re.compile(r"\b(ich bin|bin) (?:\w+ )?(krank|erkaeltet|krankgeschrieben)|\b(krankgeschrieben|fieber|grippe|"
                         r"erkaeltet|arbeitsunfaehig|au)\b")
SOMEONE_ELSE = re.compile(r"\b(sohn|tochter|kind|kinder|mutter|vater|mann|frau|partner|partnerin|oma|opa|baby)\b")


def own_illness(reason: str | None) -> bool:
    """Whether a cancellation reason is the citizen's own illness (then a sick note is needed)."""
    if not reason:
        return False
    if reason == "krank":
        return True
    norm = textparse.normalise(reason)
    return bool(OWN_ILLNESS.search(norm)) and not SOMEONE_ELSE.search(norm)


def ics_url(token: str) -> str:
    base = EndpointSettings.from_env().public_url  # PUBLIC_URL
    return f"{base}/webhooks/termine/ics/{token}"


# ----------------------------------------------------------------------------- descriptions


def slot_text(content: Content, office: str, start: dt.datetime) -> str:
    return f"{WEEKDAY_NAMES[start.weekday()]}, {format_date(start)}, {start:%H:%M} Uhr, {content.offices[office].name}"


def short_slot_text(content: Content, slot: Slot) -> str:
    office = content.offices[slot.office].name.replace("Geschäftsstelle ", "")
    return f"{WEEKDAY_NAMES[slot.start.weekday()][:2]} {slot.start:%d.%m.} {slot.start:%H:%M} Uhr ({office})"


def booking_text(content: Content, booking: Booking) -> str:
    return slot_text(content, booking.office, booking.start)


def slot_from_id(slot_id: str, config: CalendarConfig) -> Slot:
    office, type_key, start = slot_id.split("|")
    begin = dt.datetime.fromisoformat(start)
    schedule = config.schedule(office, type_key)
    if schedule is None:  # an id from a schedule no longer in the calendar (was an AttributeError)
        raise LookupError(f"no schedule for {office}/{type_key}")
    return Slot(begin, office, type_key, begin + dt.timedelta(minutes=schedule.slot_minutes), schedule.capacity)


# ----------------------------------------------------------------------------- offers


@dataclass(frozen=True)
class Offer:
    slots: tuple[Slot, ...]
    intro: str


def make_offer(content: Content, config: CalendarConfig, book: AppointmentBook, type_key: str,
               offices: list[str], wish: Wish, now: dt.datetime, exclude: tuple[str, ...] = ()) -> Offer:
    """Free slots for the wish (else the earliest free ones); `exclude`: slot ids never offered (the
    appointment being moved)."""
    def holiday(day: dt.date) -> bool:
        return knowledge.holiday_name(content, day) is not None

    type_name = config.types[type_key].name
    wanted = [s for s in candidate_slots(config, offices, type_key, now, holiday, wish) if s.id not in exclude]
    free = book.free_slots(wanted)
    if free and wish.exact and all(s.start.time() != wish.exact for s in free):
        return Offer(tuple(free), knowledge.template(content, "appt_offer_exact_missing", time=f"{wish.exact:%H:%M}"))
    if free and wish.dates == (now.date(),):
        return Offer(tuple(free), knowledge.template(content, "appt_offer_today", type=type_name))
    if free:
        return Offer(tuple(free), knowledge.template(content, "appt_offer", type=type_name))
    others = [s for s in candidate_slots(config, offices, type_key, now, holiday) if s.id not in exclude]
    if wish.dates:  # nothing on the wished days: the nearest days first ("am samstag" -> Friday or Monday)
        target = wish.dates[0]
        others.sort(key=lambda s: (abs((s.start.date() - target).days), s.start.date() < target, s.start))
    fallback = book.free_slots(others)
    if fallback:
        return Offer(tuple(fallback), knowledge.template(content, "appt_offer_other", wish=wish.describe(now.date()),
                                                         type=type_name))
    return Offer((), knowledge.template(content, "appt_none", days=config.horizon_days, type=type_name))


def wish_error_text(error: WishError, content: Content | None = None) -> str:
    """Why the wish cannot be used, for the citizen: appointments.wish_<code> of content/texts.yml."""
    return say(f"appointments.wish_{error.code}", content, **error.values)


def choose(text: str, offered: list[Slot], now: dt.datetime) -> int | Wish | WishError | None:
    """The offered slot the citizen picked (index), a new wish ("lieber Donnerstag"), or None."""
    norm = textparse.normalise(text)
    leading = re.match(r"^\s*(?:termin|nr|nummer)?\s*(\d)\b(?![.:]\d)", norm)
    words = [leading.group(1)] if leading else [w for w in re.findall(r"[a-z]+", norm)]
    for word in words:
        if word in ORDINALS:
            index = ORDINALS[word]
            if -len(offered) <= index < len(offered):
                return index % len(offered)
    wish = parse_wish(text, now)
    if isinstance(wish, Wish):
        matching = [i for i, s in enumerate(offered)
                    if (not wish.dates or s.start.date() in wish.dates) and (not wish.exact or s.start.time() == wish.exact)]
        if len(matching) == 1 and (wish.dates or wish.exact):
            return matching[0]
        if wish.says_something():
            return wish
    return None


def ics_file(record: Booking, now: dt.datetime) -> str:
    from bot.appointments.calendar import get_calendar
    from bot.appointments.ics import calendar_file
    from bot.content import get_content
    from bot.core.clock import aware

    content, config = get_content(), get_calendar()
    office = content.offices[record.office]
    return calendar_file(
        uid=f"{record.ref}@jobcenter-assistent", start=record.start, end=record.end,
        summary=f"Termin {content.name}: {config.types[record.type].name}",
        location=f"{office.name}, {office.address}",
        description=f"Buchungsnummer {record.ref}. Bitte mitbringen: {', '.join(config.types[record.type].bring)}.",
        stamp=aware(now),
    )


# ----------------------------------------------------------------- decisions of the booking, moving and cancelling forms


def office_answer(content: Content, text: str) -> str | None:
    """The office named in an answer (key), "egal" for any office, or None."""
    found = textparse.find_office(text, {key: o.aliases for key, o in content.offices.items()})
    return found or ("egal" if is_any(text) else None)


def office_named(content: Content, text: str) -> str | None:
    """An office named anywhere in a message, or "egal" when the citizen says any office will do
    ("egal welche geschäftsstelle"); unlike `office_answer`, a bare "egal" (about the time) is not one."""
    found = textparse.find_office(text, {key: o.aliases for key, o in content.offices.items()})
    if found:
        return found
    norm = textparse.normalise(text)
    return "egal" if re.search(r"\b(egal|beliebig|irgendeine?|ganz gleich)\b[^,.]{0,20}\b(geschaeftsstelle|standort|"
                               r"wo|ort|stelle|filiale)\b|\birgendwo\b|\bwo es am schnellsten geht\b", norm) else None


def offices_for(content: Content, office: str | None) -> list[str]:
    """Where to look for offers: the chosen office, or all of them ("egal", nothing chosen)."""
    return list(content.offices) if office in (None, "egal") else [office]


def confirmation(text: str, now: dt.datetime) -> bool | Wish | None:
    """The answer to "Soll ich ... buchen?": True (yes), a new wish with a day or time ("lieber am Freitag"),
    False (no: choose again) or None (unclear)."""
    answer = yes_or_no(text)
    if answer is True:
        return True
    wish = parse_wish(text, now)
    if isinstance(wish, Wish) and (wish.dates or wish.has_time() or wish.not_weekdays):
        return wish
    return answer


RELATIVE_DAYS = re.compile(r"\b(einen|1|zwei|2|drei|3) tage? (spaeter|danach|frueher|vorher|eher)\b")
SAME_TIME = re.compile(r"\b(gleiche|gleichen|selbe|selben|dieselbe) (uhrzeit|zeit)\b|\bzur gleichen zeit\b")
RELATIVE_WEEK = re.compile(r"\b(eine|1) woche (spaeter|danach|frueher|vorher|eher)\b")


def relative_to(text: str, start: dt.datetime) -> str:
    """A wish said relative to the appointment being moved ("gleiche uhrzeit, einen tag später"), written out
    with the date and time it means ("am 08.12. um 09:00"); other wishes stay as they are."""
    norm = textparse.normalise(text)
    days = RELATIVE_DAYS.search(norm)
    week = RELATIVE_WEEK.search(norm)
    parts = []
    if days or week:
        count = 7 if week else {"einen": 1, "zwei": 2, "drei": 3}.get(days.group(1), 0) if days else 0
        if days and days.group(1).isdigit():
            count = int(days.group(1))
        sign = -1 if (week or days).group(2) in ("frueher", "vorher", "eher") else 1  # type: ignore[union-attr]
        parts.append(f"am {(start.date() + dt.timedelta(days=sign * count)):%d.%m.}")
    if SAME_TIME.search(norm):
        parts.append(f"um {start:%H:%M}")
    return " ".join(parts) if parts else text


def wish_or_asap(text: str | None, now: dt.datetime) -> Wish:
    """The citizen's wish again (after the chosen slot was taken), or the earliest slots."""
    wish = parse_wishes(text or "egal", now)
    return wish if isinstance(wish, Wish) else Wish(asap=True)


def pick_booking(text: str, upcoming: list[Booking], config: CalendarConfig, now: dt.datetime) -> str | bool | None:
    """Which of the citizen's appointments an answer means: its reference, False (no: the flow ends) or None."""
    if len(upcoming) == 1 and yes_or_no(text) is True:
        return upcoming[0].ref
    if yes_or_no(text) is False:
        return False
    for item in upcoming:
        if item.ref.lower() in text.lower():
            return item.ref
    picked = choose(text, [slot_from_id(b.slot, config) for b in upcoming], now)
    return upcoming[picked].ref if isinstance(picked, int) else None


REPLACEMENT = re.compile(r"\b(neue[nrm]?|ersatz\w*|wieder|nochmal|noch mal|noch einen|anderen)\b")


def replacement_type(text: str, earlier: Booking | None) -> str | None:
    """The type of a new appointment that replaces the one cancelled earlier in the conversation ("kann ich
    gleich nen neuen machen"), or None (no replacement asked for, or nothing was cancelled)."""
    if earlier is None or earlier.status != "cancelled" or not REPLACEMENT.search(textparse.normalise(text)):
        return None
    return earlier.type


WHERE_QUESTION = re.compile(r"\bwo\b.{0,30}\b(hin|ist das|ist der|findet|termin)\b|\badresse\b|\bwie komme ich\b|"
                            r"\banfahrt\b|\bwelche geschaeftsstelle\b|\bwo genau\b")
BRING_QUESTION = re.compile(r"\b(mitbringen|mitnehmen|mit bringen|dabei haben|dabeihaben|brauch\w* ich (da|dafuer|fuer))\b"
                            r"|\bwas (muss|soll) ich\b.*\b(mit|dabei)\b")


CANT_COME_QUESTION = re.compile(r"\b(wenn|falls) ich (da |dann |doch |den termin |es )*(nicht|nich) (kann|kommen kann|schaffe|"
                                r"hinkomme|komme)\b|\b(wenn|falls) (mir )?(was|etwas) dazwischen ?kommt\b|"
                                r"\b(wenn|falls) ich verhindert bin\b")


def follow_up_question(text: str) -> str | None:
    """A question about an appointment already known: "where" (its address), "bring" (what to bring) or
    "cant_come" (what to do when the citizen cannot come)."""
    norm = textparse.normalise(text)
    if CANT_COME_QUESTION.search(norm):
        return "cant_come"
    if BRING_QUESTION.search(norm):
        return "bring"
    if WHERE_QUESTION.search(norm):
        return "where"
    return None


def short_notice(record: Booking, today: dt.date) -> bool:
    """Cancelled today or for tomorrow."""
    return (record.start.date() - today).days <= 1


def cancellation_case(record: Booking, reason: str, today: dt.date) -> tuple[dict[str, object], str]:
    """The fields and the summary of the case that a cancellation creates for the office."""
    fields: dict[str, object] = {"buchung": record.ref, "termin": record.start.isoformat(timespec="minutes"),
                                 "terminart": record.type, "grund": reason, "kurzfristig": short_notice(record, today)}
    return fields, f"Terminabsage {record.start:%d.%m.%Y %H:%M}, Grund: {reason}"


def sick_note_hint(record: Booking, reason: str | None, today: dt.date) -> bool:
    """After a cancellation: remind of the Arbeitsunfähigkeitsbescheinigung (ill, or at short notice unless the
    reason is a new job: that is reported as the start of work instead)."""
    return own_illness(reason) or short_notice(record, today) and not new_job(reason)


def confirmation_values(content: Content, config: CalendarConfig, record: Booking, directions: bool) -> dict[str, str]:
    """The values of the booked or moved appointment's confirmation; `directions`: address and what to bring."""
    values = dict(ref=record.ref, slot=booking_text(content, record), ics_url=ics_url(record.ics_token))
    if directions:
        office = content.offices[record.office]
        values.update(address=f"{office.name}, {office.address}", bring=", ".join(config.types[record.type].bring))
    return values


def appointment_list(content: Content, upcoming: list[Booking]) -> str:
    """The citizen's upcoming appointments, one line each."""
    return "\n".join(f"• {booking_text(content, b)} (Buchungsnummer {b.ref})" for b in upcoming)


def tell_aborted(result: str | None, offer: object, wish: str | None) -> bool:
    """Whether an ended booking flow says so: not after a duplicate (already explained), and not when the
    search found nothing (the offer's text said it)."""
    return result not in ("duplicate", "no_number") and (offer is not None or wish is None)
