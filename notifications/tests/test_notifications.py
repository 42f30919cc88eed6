"""Cases sent, deadlines lapsed and lists finished reach the people concerned: inbox and email,
once, after commit."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaigns.models import SanctionKind
from campaigns.services import case_transition, sanction_issue, sanction_lapse_overdue
from campaigns.signals import case_sent
from notifications.models import Notification
from notifications.services import notification_email_send, notification_email_set
from worker_lists.services import worker_list_process
from worker_lists.tests.factories import submit_file
from worker_lists.tests.helpers import csv_bytes, worker


def _send(case, user, capture):
    with capture(execute=True):
        case_transition(case=case, to_state="sent", user=user, letter_number="B/1/2026")


def test_a_case_sent_reaches_the_agencys_inbox_and_email(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(recipient=disnaker_reader)
    assert notification.url == reverse("cases:detail", args=[draft_case.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pengawas@disnaker.example"]
    assert "PT Diadukan" in mail.outbox[0].subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_branch_that_sent_the_case_is_not_notified(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=branch_user).exists()


def test_the_same_event_twice_makes_one_notification_and_one_email(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        case_sent.send(sender=type(draft_case), case=draft_case)
    assert Notification.objects.filter(recipient=disnaker_reader).count() == 1
    assert len(mail.outbox) == 1


def test_a_redelivered_email_task_sends_nothing(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_nothing_is_emailed_before_the_transaction_commits(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_transition(case=draft_case, to_state="sent", user=branch_user)
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_send_leaves_no_notification_and_no_email(
    draft_case, branch_user, disnaker_reader
):
    def send_then_fail():
        with transaction.atomic():
            case_transition(case=draft_case, to_state="sent", user=branch_user)
            raise RuntimeError("the request failed after the case was sent")

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_user_who_turned_email_off_gets_the_inbox_only(
    draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    notification_email_set(user=disnaker_reader, enabled=False)
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=disnaker_reader).exists()
    assert mail.outbox == []


def test_a_lapsed_warning_reaches_the_branch(
    employer, branch_user, django_capture_on_commit_callbacks
):
    colleague = UserFactory(
        username="rekan", role=Role.BRANCH, branch=branch_user.branch, email="rekan@bpjs.example"
    )
    step = sanction_issue(
        employer=employer,
        kind=SanctionKind.WARNING_1,
        letter_number="B/7/2025",
        issued_on=dt.date(2025, 3, 27),
        user=branch_user,
    )
    with django_capture_on_commit_callbacks(execute=True):
        sanction_lapse_overdue(today=dt.date(2025, 4, 23))
        sanction_lapse_overdue(today=dt.date(2025, 4, 24))
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "serang",
        "rekan",
    }
    assert [message.to for message in mail.outbox] == [[colleague.email]]
    assert "B/7/2025" in mail.outbox[0].body
    assert Notification.objects.filter(key=f"sanction_lapsed:{step.pk}").count() == 2


def test_a_finished_list_reaches_the_agency(
    world, agency, agency_user, django_capture_on_commit_callbacks
):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1), worker(2)]))
    with django_capture_on_commit_callbacks(execute=True):
        worker_list_process(submission_id=submission.pk)
    notification = Notification.objects.get(recipient=agency_user)
    assert notification.params["new_leads"] == 2
    assert notification.url == reverse("worker-list-detail", args=[submission.pk])


# Pages -----------------------------------------------------------------------------------------


def test_the_header_badge_shows_the_unread_count(
    client, draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    client.force_login(disnaker_reader)
    page = client.get(reverse("home")).content.decode()
    assert reverse("notifications:badge") in page
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-testid="unread-count">1<' in badge


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(
    client, draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    client.force_login(disnaker_reader)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Kasus baru dari Cabang Serang Raya: PT Diadukan" in inbox
    response = client.post(reverse("notifications:open"), {"notification": notification.pk})
    notification.refresh_from_db()
    assert response.url == reverse("cases:detail", args=[draft_case.pk])
    assert notification.read_at is not None


def test_nobody_can_read_or_open_someone_elses_notification(
    client, draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    client.force_login(branch_user)
    assert "PT Diadukan" not in client.get(reverse("notifications:inbox")).content.decode()
    client.post(reverse("notifications:open"), {"notification": notification.pk})
    notification.refresh_from_db()
    assert notification.read_at is None


def test_users_turn_email_off_on_the_inbox_page(client, disnaker_reader):
    client.force_login(disnaker_reader)
    client.post(reverse("notifications:email_setting"), {})
    assert disnaker_reader.notification_setting.email_enabled is False


def test_the_inbox_reads_in_english_after_switching(
    client, draft_case, branch_user, disnaker_reader, django_capture_on_commit_callbacks
):
    _send(draft_case, branch_user, django_capture_on_commit_callbacks)
    client.force_login(disnaker_reader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "New case from Cabang Serang Raya: PT Diadukan" in inbox
