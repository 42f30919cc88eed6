import factory

from employers.models import ComplianceStatus, Employer, Sector, SizeClass
from regions.tests.factories import RegencyFactory


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"PT Uji {n}")
    npp = factory.Sequence(lambda n: f"NPP{n:08d}")
    sector = Sector.MANUFACTURING
    size_class = SizeClass.SMALL
    regency = factory.SubFactory(RegencyFactory)
    compliance_status = ComplianceStatus.PDS_TK
    reported_workers = 10
    registered_workers = 5


def employer_form_data(**overrides) -> dict[str, str]:
    """What the employer form posts for a valid new employer, with `overrides`."""
    data = {
        "name": "PT Form",
        "npp": "",
        "nib": "",
        "npwp": "",
        "sector": "trade",
        "size_class": "small",
        "regency": "36.73",
        "district": "",
        "address": "",
        "compliance_status": "not_registered",
        "reported_workers": "12",
        "registered_workers": "0",
    }
    data.update(overrides)
    return data
