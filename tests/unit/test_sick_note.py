import datetime as dt

from bot.declarations import sick_note


def test_a_sick_note_gives_the_reason_for_an_appointment_in_its_time_only(redis_client):
    client = redis_client
    now = dt.datetime(2026, 12, 2, 10, 15)
    sick_note.remember(client, "12345BG0000001", {"von": "2026-12-02", "bis": "2026-12-04"}, "V-2026-000001", now)
    assert sick_note.reason(client, "12345BG0000001", [dt.date(2026, 12, 3)]) == "krank (Krankmeldung V-2026-000001)"
    assert sick_note.reason(client, "12345BG0000001", [dt.date(2026, 12, 9)]) is None
    assert sick_note.reason(client, "12345BG0000002", [dt.date(2026, 12, 3)]) is None
    assert 0 < client.ttl("sicknote:12345BG0000001") <= 3 * 86400


def test_a_past_sick_note_is_not_kept(redis_client):
    client = redis_client
    sick_note.remember(client, "c", {"von": "2026-11-01", "bis": "2026-11-03"}, "V-1", dt.datetime(2026, 12, 2))
    assert client.get("sicknote:c") is None


def test_sick_note_is_exported_and_deleted_with_the_person(redis_client):
    import datetime as dt

    from bot.core.subject import DataSubject
    from bot.declarations import sick_note

    now = dt.datetime(2026, 12, 2, 10, 0)
    sick_note.remember(redis_client, "12345BG0000002", {"von": "2026-12-02", "bis": "2026-12-04"}, "V-1", now)
    store = sick_note.SickNotes(redis_client)
    person = DataSubject("12345BG0000002")
    assert store.export_for(person)["krankmeldung_fuer_termine"]["bis"] == "2026-12-04"
    assert store.delete_for(person) == 1 and store.export_for(person) == {}
