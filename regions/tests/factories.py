import datetime as dt

import factory

from regions.models import (
    BranchOffice,
    BranchRegency,
    District,
    Province,
    Regency,
    RegionalOffice,
    WorkforceFigure,
)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "36"
    name = factory.LazyAttribute(lambda o: f"Provinsi {o.code}")
    population = 1_000_000


class RegencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regency
        django_get_or_create = ("code",)

    code = "36.73"
    province = factory.LazyAttribute(lambda o: ProvinceFactory(code=o.code[:2]))
    name = factory.LazyAttribute(lambda o: f"Kota {o.code}")
    kind = Regency.Kind.KOTA
    population = 100_000


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "36.73.01"
    regency = factory.LazyAttribute(lambda o: RegencyFactory(code=o.code[:5]))
    name = factory.LazyAttribute(lambda o: f"Kecamatan {o.code}")


class RegionalOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalOffice
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kw-{n}")
    name = factory.LazyAttribute(lambda o: f"Kanwil {o.code}")


class BranchOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BranchOffice
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"kc-{n}")
    name = factory.LazyAttribute(lambda o: f"Kantor Cabang {o.code}")
    regional_office = factory.SubFactory(RegionalOfficeFactory)

    @factory.post_generation
    def regencies(self, create, extracted, **kwargs):
        """BranchOfficeFactory(regencies=["36.73", "36.04"]) links the branch as primary."""
        for code in extracted or []:
            BranchRegency.objects.get_or_create(
                branch=self, regency=RegencyFactory(code=code), defaults={"is_primary": True}
            )


class WorkforceFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkforceFigure

    level = "regency"
    region_code = "36.73"
    period = dt.date(2024, 8, 1)
    employed = 300_000
    labour_force = 320_000
    kind = WorkforceFigure.Kind.OFFICIAL
    source = "BPS Sakernas (test)"
