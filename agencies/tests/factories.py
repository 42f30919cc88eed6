import factory

from agencies.models import AgencyKind, PartnerAgency


class PartnerAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAgency

    kind = AgencyKind.PEMDA
    name = factory.Sequence(lambda n: f"Instansi Uji {n}")
