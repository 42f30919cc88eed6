"""The English translation: a complete catalogue, compiled, and pages that follow the switcher."""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coverage.tests.factories import CoverageSnapshotFactory
from employers.tests.factories import EmployerFactory

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: 'flags' plus one key per field (msgid, msgstr[0]...)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete entries are not used
                entry = {"flags": set()}
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif match := _FIELD.match(line):
                field = match.group(1)
                entry[field] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and field:
                entry[field] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    return [entry for entry in read_po(PO_PATH) if entry["msgid"]]  # skip the header


def test_the_po_reader_sees_untranslated_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Simpan"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Halo %(n)s"\nmsgstr "Hello %(n)s"\n\n'
        'msgid "satu"\nmsgid_plural "banyak"\nmsgstr[0] "one"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = read_po(po)[1:]
    assert [translations(entry) for entry in entries] == [[""], ["Hello %(n)s"], ["one", ""]]
    assert "fuzzy" in entries[1]["flags"]


def test_the_english_catalogue_has_no_untranslated_entry(catalogue):
    untranslated = [entry["msgid"] for entry in catalogue if not all(translations(entry))]
    assert untranslated == []


def test_the_english_catalogue_has_no_fuzzy_entry(catalogue):
    assert [entry["msgid"] for entry in catalogue if "fuzzy" in entry["flags"]] == []


def test_the_english_catalogue_has_the_placeholders_of_its_sources(catalogue):
    placeholder = re.compile(r"%\(\w+\)[sd]|%%")
    wrong = []
    for entry in catalogue:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, text in enumerate(translations(entry)):
            source = sources[min(index, 1)]
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                wrong.append(entry["msgid"])
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    """A .po edited without running compilemessages leaves the app speaking the old text."""
    stale = []
    with translation.override("en"):
        for entry in catalogue:
            context, msgid = entry.get("msgctxt"), entry["msgid"]
            if "msgid_plural" in entry:
                got = [
                    translation.npgettext(context, msgid, entry["msgid_plural"], n)
                    if context
                    else translation.ngettext(msgid, entry["msgid_plural"], n)
                    for n in (1, 2)
                ]
                expected = [entry["msgstr[0]"], entry["msgstr[1]"]]
            else:
                got = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                expected = entry["msgstr"]
            if got != expected:
                stale.append(msgid)
    assert stale == []


def choose_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.fixture
def national_snapshot(db):
    return CoverageSnapshotFactory(
        level="national",
        code="ID",
        name="Indonesia",
        parent_code="",
        period=dt.date(2026, 11, 1),
        active_total=1234567,
        workforce_employed=144640000,
    )


# (url, user fixture, Indonesian text, its English translation, max queries)
PAGES = [
    # The branch's day: follow-ups, leads and their count, proposals, sanction steps due.
    ("home", "branch_user", "Selamat datang", "Welcome", 17),
    ("employers:list", "branch_user", "Tambah pemberi kerja", "Add employer", 12),
    ("coverage:national", "management_user", "Cakupan kepesertaan", "Participant coverage", 12),
    ("worker-list-index", "agency_user", "Kirim daftar baru", "Send a new list", 12),
    ("login", None, "Kata sandi", "Password", 3),
]
PAGE_IDS = [url for url, *_rest in PAGES]


def open_page(client, request, url, user_fixture, max_queries, assert_queries):
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    with assert_queries(max_queries):
        response = client.get(reverse(url))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("url", "user", "indonesian", "english", "queries"), PAGES, ids=PAGE_IDS)
def test_pages_speak_english_after_choosing_english_with_the_switcher(
    client,
    request,
    national_snapshot,
    django_assert_max_num_queries,
    url,
    user,
    indonesian,
    english,
    queries,
):
    choose_english(client)
    response = open_page(client, request, url, user, queries, django_assert_max_num_queries)
    assert '<html lang="en">' in response.text
    assert english in response.text
    assert indonesian not in response.text


@pytest.mark.parametrize(("url", "user", "indonesian", "english", "queries"), PAGES, ids=PAGE_IDS)
def test_pages_speak_indonesian_by_default(
    client,
    request,
    national_snapshot,
    django_assert_max_num_queries,
    url,
    user,
    indonesian,
    english,
    queries,
):
    response = open_page(client, request, url, user, queries, django_assert_max_num_queries)
    assert '<html lang="id">' in response.text
    assert indonesian in response.text
    assert english not in response.text


def test_navigation_menu_is_translated_to_english(client, management_user):
    choose_english(client)
    client.force_login(management_user)
    response = client.get(reverse("home"))
    for label in ("Coverage", "Employers", "Visits", "Cases", "Campaigns", "Log out"):
        assert label in response.text
    assert "Keluar" not in response.text


def test_numbers_keep_indonesian_grouping_in_indonesian(client, management_user, national_snapshot):
    client.force_login(management_user)
    response = client.get(reverse("coverage:national"))
    assert 'data-testid="active-total">1.234.567<' in response.text


def test_numbers_use_english_grouping_in_english(client, management_user, national_snapshot):
    choose_english(client)
    client.force_login(management_user)
    response = client.get(reverse("coverage:national"))
    assert 'data-testid="active-total">1,234,567<' in response.text


def test_map_tooltip_words_come_from_the_page_language(client, management_user, national_snapshot):
    CoverageSnapshotFactory(level="province", code="36", name="Banten", parent_code="ID")
    choose_english(client)
    client.force_login(management_user)
    response = client.get(reverse("coverage:national"))
    assert 'data-locale="en-US"' in response.text
    assert 'data-text-active="active participants"' in response.text


def test_employer_export_headers_follow_the_page_language(client, branch_user):
    EmployerFactory(branch=branch_user.branch)
    choose_english(client)
    client.force_login(branch_user)
    response = client.get(reverse("employers:list"), {"export": "csv"})
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("NPP,Name,NIB,NPWP,Compliance status,Sector,Size")
