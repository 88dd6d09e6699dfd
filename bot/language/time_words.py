"""Time words of the other supported languages in German words, so that the German wish parser
(`dates.parse_wish`) reads "tomorrow morning", "завтра зранку", "yarın sabah", "بكرا الصبح" like "morgen
vormittags". Dates in digits ("3.12.", "10:00") are understood in every language already.

Order matters: longer phrases first ("day after tomorrow" before "tomorrow", "cumartesi" before "cuma").
"""

from __future__ import annotations

import re

ASAP, DAY_AFTER, TOMORROW, TODAY, NEXT_WEEK = "so früh wie möglich", "übermorgen", "morgen", "heute", "nächste woche"
MORNING, AFTERNOON = "vormittags", "nachmittags"
DAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag")

_TABLE: list[tuple[str, str]] = [
    # a period between two dates: "1.12. to 5.12.", "з 1.12. по 5.12.", "1.12. ile 5.12. arası", "من 1.12. الى 5.12."
    (r"(\d\.)\s*(?:to|until|till|по|до|ile|kadar|[اإ]لى|حتى|لـ?)\s*(?=\d)", r"\1 bis "),
    # English
    (r"as soon as possible|\basap\b|earliest|any ?time|whenever", ASAP),
    (r"day after tomorrow", DAY_AFTER), (r"\btomorrow\b|\btmrw\b|\btomorow\b", TOMORROW), (r"\btoday\b", TODAY),
    (r"next week", NEXT_WEEK), (r"in the morning|\bmornings?\b|before noon", MORNING),
    (r"in the afternoon|\bafternoons?\b", AFTERNOON),
    *[(rf"\b{en}s?\b", de) for en, de in zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"), DAYS)],
    (r"\bnext (?=(montag|dienstag|mittwoch|donnerstag|freitag|samstag))", "nächsten "),
    (r"\b(\d{1,2}) ?am\b", r"um \1"), (r"\bat (\d{1,2})\b", r"um \1"), (r"\bafter (\d{1,2})\b", r"nach \1"),
    # Ukrainian
    (r"якнайшвидше|якомога (раніше|швидше)|найближч\w*|будь-коли|будь коли", ASAP),
    (r"післязавтра", DAY_AFTER), (r"завтра", TOMORROW), (r"сьогодні", TODAY),
    (r"наступного тижня|наступний тиждень|на наступному тижні", NEXT_WEEK),
    (r"зранку|вранці|до обіду|\bранок\b", MORNING), (r"після обіду|пообід\w*|\bвдень\b", AFTERNOON),
    *[(p, de) for p, de in zip((r"понеділ\w*", r"вівтор\w*", r"серед\w*", r"четвер\w*", r"п[’'`ʼ]?ятниц\w*",
                                r"субот\w*"), DAYS)],
    # Russian
    (r"как можно (скорее|раньше)|поскорее|побыстрее|ближайш\w*|любое время", ASAP),
    (r"послезавтра", DAY_AFTER), (r"сегодня", TODAY),
    (r"на следующей неделе|следующ\w+ недел\w+", NEXT_WEEK),
    (r"утром|с утра|до обеда", MORNING), (r"после обеда|\bдн[её]м\b", AFTERNOON),
    *[(p, de) for p, de in zip((r"понедельник\w*", r"вторник\w*", r"сред[уаы]\b", r"четверг\w*", r"пятниц\w*",
                                r"суббот\w*"), DAYS)],
    (r"\b(?:в|о|об) (\d{1,2})\b", r"um \1"),
    # Turkish (with and without Turkish letters)
    (r"en k[ıi]sa zamanda|en erken|fark ?etmez|m[üu]mk[üu]n olan en erken|hemen", ASAP),
    (r"yar[ıi]ndan sonra|[öo]b[üu]r g[üu]n", DAY_AFTER), (r"\byar[ıi]n\b", TOMORROW), (r"\bbug[üu]n\b", TODAY),
    (r"gelecek hafta|haftaya|[öo]n[üu]m[üu]zdeki hafta", NEXT_WEEK),
    (r"[öo][ğg]leden [öo]nce|\bsabah\w*", MORNING), (r"[öo][ğg]leden sonra|ak[şs]am\w*", AFTERNOON),
    *[(p, de) for p, de in zip((r"pazartesi\w*", r"sal[ıi]\b\w*", r"[çc]ar[şs]amba\w*", r"per[şs]embe\w*",
                                r"\bcuma(?!rtesi)\w*", r"cumartesi\w*"), DAYS)],
    (r"\bsaat (\d{1,2})\b", r"um \1"),
    # Arabic (dialect and standard)
    (r"ب[اأ]سرع وقت|[اأ]قرب وقت|[اأ]ي وقت|باقرب فرصة|بأقرب فرصة", ASAP),
    (r"بعد بكر[اةه]|بعد غد", DAY_AFTER), (r"بكر[اةه]|غدا|غداً", TOMORROW), (r"اليوم", TODAY),
    (r"ال[اأ]سبوع (الجاي|القادم|الجاية)", NEXT_WEEK),
    (r"الصبح|صباحا|صباحاً|الصباح|قبل الظهر", MORNING), (r"بعد الظهر|العصر|المسا|مساء", AFTERNOON),
    *[(p, de) for p, de in zip((r"ال[اإ]ثنين|التنين", r"الثلاثاء|التلات", r"ال[اأ]ربعاء?", r"الخميس", r"الجمعة",
                                r"السبت"), DAYS)],
    (r"الساعة (\d{1,2})", r"um \1"),
]
_COMPILED = [(re.compile(pattern), german) for pattern, german in _TABLE]
_FOREIGN_HINT = re.compile(r"[^\x00-\u024f]|\d\.\s*(to|until|till|ile)\s*\d|\b(tomorrow|today|morning|afternoon|next|asap|earliest|yar[ıi]n|bug[üu]n|"
                           r"sabah|hafta|saat|[öo][ğg]leden|monday|tuesday|wednesday|thursday|friday|saturday|"
                           r"pazartesi|sal[ıi]|[çc]ar[şs]amba|per[şs]embe|cuma|at \d|\d ?am|after \d|any ?time|"
                           r"whenever|soon|fark|hemen|m[üu]mk[üu]n|erken|zamanda|gelecek|haftaya)\b", re.IGNORECASE)


def in_german(text: str) -> str:
    """`text` with the other languages' time words in German ("tomorrow morning" -> "morgen vormittags");
    German text comes back unchanged."""
    if not _FOREIGN_HINT.search(text):
        return text
    folded = text.casefold()
    for pattern, german in _COMPILED:
        folded = pattern.sub(german, folded)
    return folded
