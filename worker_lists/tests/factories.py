import io

import factory

from agencies.tests.factories import PartnerAgencyFactory
from worker_lists.models import WorkerListSubmission
from worker_lists.services import worker_list_submit

from .helpers import csv_bytes, worker


def submit_file(*, agency, data: bytes, filename: str = "daftar.csv", reference: str = "uji", **kw):
    """A submission through the real service (staged file, task queued on commit)."""
    submission, _created = worker_list_submit(
        agency=agency, reference=reference, fileobj=io.BytesIO(data), filename=filename, **kw
    )
    return submission


class WorkerListSubmissionFactory(factory.django.DjangoModelFactory):
    """A queued list of three valid synthetic workers, staged as CSV."""

    class Meta:
        model = WorkerListSubmission

    agency = factory.SubFactory(PartnerAgencyFactory)
    reference = factory.Sequence(lambda n: f"Daftar uji {n}")
    content_hash = factory.Sequence(lambda n: f"{n:064d}")
    source_format = "csv"
    file = factory.django.FileField(
        filename="daftar.csv", data=csv_bytes([worker(1), worker(2), worker(3)])
    )
