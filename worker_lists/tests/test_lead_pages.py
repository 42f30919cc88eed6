"""The leads page as branch staff use it (issue 12): no preselected outcome, search by name or
NIK without putting a NIK in a URL, export, and the home page's count."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from worker_lists.models import EnrollmentLead
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

LEADS = reverse("lead-list")


@pytest.fixture
def processed(world, agency):
    rows = [worker(n) for n in range(1, 13)] + [worker(20, full_name="Siti Rahmawati")]
    submission = submit_file(agency=agency, data=csv_bytes(rows))
    return worker_list_process(submission_id=submission.pk)


def _row_select(html: str, lead: EnrollmentLead) -> str:
    return html.split(f'id="lead-status-{lead.pk}"')[1].split("</select>")[0]


def test_a_new_lead_has_no_outcome_preselected(client, branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)
    select = _row_select(client.get(LEADS).content.decode(), lead)
    assert '<option value="" selected>' in select
    assert 'value="enrolled" selected' not in select


def test_an_empty_outcome_is_refused(client, branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)
    response = client.post(reverse("lead-status-update", args=[lead.pk]), {"status": ""})
    assert response.status_code == 400
    lead.refresh_from_db()
    assert lead.status == "new"


def test_leads_are_found_by_name(client, branch_user, processed):
    client.force_login(branch_user)
    response = client.post(LEADS, {"q": "rahmawati"}, follow=True)
    assert [lead.full_name for lead in response.context["leads"]] == ["Siti Rahmawati"]


def test_leads_are_found_by_nik_without_the_nik_in_any_url(client, branch_user, processed):
    client.force_login(branch_user)
    response = client.post(LEADS, {"q": nik(3)}, follow=True)
    assert [lead.nik for lead in response.context["leads"]] == [nik(3)]
    assert all(nik(3) not in url for url, _status in response.redirect_chain)
    assert nik(3) not in response.request["QUERY_STRING"]


def test_clearing_the_search_shows_every_lead_again(client, branch_user, processed):
    client.force_login(branch_user)
    client.post(LEADS, {"q": "rahmawati"})
    response = client.post(LEADS, {"q": ""}, follow=True)
    assert response.context["leads"].paginator.count == 13


def test_leads_export_as_csv_with_the_current_filters_and_search(client, branch_user, processed):
    client.force_login(branch_user)
    client.post(LEADS, {"q": "rahmawati"})
    response = client.get(LEADS, {"export": "csv"})
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["nik", "full_name"]
    assert [row[:2] for row in rows[1:]] == [[nik(20), "Siti Rahmawati"]]


def test_the_board_exports_leads_with_masked_niks(client, management_user, processed):
    client.force_login(management_user)
    response = client.get(LEADS, {"export": "csv"})
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 14
    assert all(row[0].endswith("*" * 10) for row in rows[1:])


def test_home_shows_the_number_of_new_leads_not_ten_plus(client, branch_user, processed):
    client.force_login(branch_user)
    html = client.get(reverse("home")).content.decode()
    badge = html.split('data-testid="new-lead-count">')[1].split("<")[0]
    assert badge == "13"


def test_leads_export_as_xlsx_too(client, branch_user, processed):
    client.force_login(branch_user)
    response = client.get(LEADS, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 14
    assert response["Cache-Control"] == "no-store, private"


def test_the_rows_escape_what_a_partner_typed(client, branch_user, world, agency):
    typed = '<script>alert("x")</script>'
    rows = [worker(1, full_name="Budi <b>Santoso</b>", unit=typed, position='"Staf" & co')]
    worker_list_process(submission_id=submit_file(agency=agency, data=csv_bytes(rows)).pk)
    client.force_login(branch_user)

    html = client.get(LEADS).content.decode()

    assert "<script>alert" not in html
    assert "<b>Santoso" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Budi &lt;b&gt;Santoso&lt;/b&gt;" in html
    assert "&quot;Staf&quot; &amp; co" in html


def test_a_marked_lead_comes_back_as_its_row_for_htmx(client, branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)

    row = client.post(
        reverse("lead-status-update", args=[lead.pk]),
        {"status": "enrolled"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert row.startswith(f'<tr id="lead-{lead.pk}">')
    assert 'value="enrolled" selected' in _row_select(row, lead)
    assert "csrfmiddlewaretoken" in row
