import datetime as dt

import factory

from core.identifiers import nik_compose
from participants.models import Participant, ParticipantStatus, Segment
from regions.tests.factories import RegencyFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    """Builds a valid NIK from the work regency's first district (.01) and the birth date."""

    class Meta:
        model = Participant

    class Params:
        serial = factory.Sequence(lambda n: n + 1)

    full_name = factory.Sequence(lambda n: f"Peserta Uji {n}")
    sex = "M"
    birth_date = dt.date(1990, 4, 12)
    segment = Segment.PU
    status = ParticipantStatus.ACTIVE
    work_regency = factory.SubFactory(RegencyFactory)
    registered_on = dt.date(2024, 1, 15)
    nik = factory.LazyAttribute(
        lambda o: nik_compose(
            district_code=f"{o.work_regency.code}.01",
            birth_date=o.birth_date,
            female=o.sex == "F",
            serial=o.serial,
        )
    )
