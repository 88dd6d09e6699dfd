"""Documents from the web chat: recognised by their bytes, never by their name."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cases.store import CaseStore
from bot.cases.uploads import safe_name, sniff, store_upload

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50


@pytest.mark.parametrize("data,expected", [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_pdf_jpeg_and_png_are_recognised_by_their_first_bytes(data, expected):
    assert sniff(data)[0] == expected


@pytest.mark.parametrize("data", [EXE, b"", b"%PDF-", b"<html>%PDF-1.4", b"GIF89a....", b"PK\x03\x04docx"])
def test_a_program_or_another_format_is_refused_whatever_its_name(data):
    assert sniff(data) is None


def test_a_renamed_file_gets_the_extension_of_what_it_is():
    assert safe_name("scan.pdf", ".png") == "scan.pdf.png"
    assert safe_name("AU-Bescheinigung.JPEG", ".jpg") == "AU-Bescheinigung.jpg"
    assert safe_name("foto", ".jpg") == "foto.jpg"


def test_file_names_lose_paths_control_and_direction_characters():
    assert safe_name("C:\\Users\\x\\brief.pdf", ".pdf") == "brief.pdf"
    assert safe_name("../../etc/passwd", ".pdf") == "passwd.pdf"
    assert safe_name("rech\u202enung\u0000.pdf", ".pdf") == "rechnung.pdf"
    assert safe_name("", ".pdf") == "Dokument.pdf"
    assert len(safe_name("a" * 500 + ".pdf", ".pdf")) == 100


def test_documents_of_one_conversation_go_to_one_unterlagen_case(redis_client):
    client = redis_client
    now = dt.datetime(2026, 11, 29, 10, 0)
    first, number1 = store_upload(client, "conv-1", "a.pdf", "application/pdf", PDF, now)
    again, number2 = store_upload(client, "conv-1", "b.png", "image/png", PNG, now)
    other, _ = store_upload(client, "conv-2", "c.pdf", "application/pdf", PDF, now)
    assert first == again != other and (number1, number2) == (1, 2)
    store = CaseStore(client)
    assert store.get(first).kind == "unterlagen"
    assert [f["name"] for f in store.files(first)] == ["a.pdf", "b.png"]
    assert store.file(first, 2) == ({"name": "b.png", "type": "image/png", "size": len(PNG)}, PNG)
