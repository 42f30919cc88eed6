"""Who hears of what. Each receiver runs inside the transaction that records the event, so the
inbox rows commit (or roll back) with it; emails are enqueued on commit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import permissions

from .models import NotificationKind
from .services import notify


def on_case_sent(sender, case, **kwargs) -> None:
    """The receiving agency's people learn of a case sent to them."""
    notify(
        recipients=permissions.users_of_agency(get_user_model().objects.all(), case.agency_id),
        kind=NotificationKind.CASE_SENT,
        key=f"case_sent:{case.pk}",
        params={
            "employer": case.employer.name,
            "branch": case.branch.name,
            "case_kind": case.kind,
        },
        url=reverse("cases:detail", args=[case.pk]),
    )


def on_sanction_deadline_lapsed(sender, step, **kwargs) -> None:
    """The branch learns that a warning's deadline passed: the next rung is due."""
    notify(
        recipients=permissions.users_of_branch(get_user_model().objects.all(), step.branch_id),
        kind=NotificationKind.SANCTION_LAPSED,
        key=f"sanction_lapsed:{step.pk}",
        params={
            "employer": step.employer.name,
            "step": step.kind,
            "letter": step.letter_number,
            "deadline": step.deadline.isoformat() if step.deadline else "",
        },
        url=reverse("cases:sanctions", args=[step.employer_id]),
    )


def on_worker_list_finished(sender, submission, **kwargs) -> None:
    """The agency that sent a list learns it is done (whoever sent it, by page or API)."""
    # The signal's instance predates the final counts, which were written by an UPDATE.
    submission = sender.objects.get(pk=submission.pk)
    notify(
        recipients=permissions.users_of_agency(
            get_user_model().objects.all(), submission.agency_id
        ),
        kind=NotificationKind.LIST_FINISHED,
        key=f"list_finished:{submission.pk}",
        params={
            "reference": submission.reference,
            "rows": submission.total_rows,
            "new_leads": submission.count_new_lead,
            "invalid": submission.count_invalid,
        },
        url=reverse("worker-list-detail", args=[submission.pk]),
    )
