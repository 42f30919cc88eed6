import datetime as dt

import factory
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import (
    Campaign,
    CaseKind,
    CaseState,
    CaseTransition,
    EscalationCase,
    Visit,
    VisitOutcome,
    VisitPurpose,
)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    employer = None  # pass employer=..., branch=..., officer=...
    branch = factory.LazyAttribute(lambda o: o.employer.branch)
    visited_on = factory.LazyFunction(timezone.localdate)
    purpose = VisitPurpose.SOSIALISASI
    outcome = VisitOutcome.REFUSED


class EscalationCaseFactory(factory.django.DjangoModelFactory):
    """A case already in `state`, with a transition into it (drafts have only the opening one)."""

    class Meta:
        model = EscalationCase
        skip_postgeneration_save = True

    employer = None
    branch = factory.LazyAttribute(lambda o: o.employer.branch)
    agency = factory.SubFactory(PartnerAgencyFactory, kind=AgencyKind.DISNAKER)
    kind = CaseKind.INSPECTION
    state = CaseState.SENT
    summary = "Pekerja tidak didaftarkan (uji)"
    state_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def transitions(self, create, extracted, **kwargs):
        if not create:
            return
        opened = self.state_changed_at - dt.timedelta(days=1)
        CaseTransition.objects.create(
            case=self, from_state="", to_state=CaseState.DRAFT, at=opened, by=self.created_by
        )
        if self.state != CaseState.DRAFT:
            CaseTransition.objects.create(
                case=self,
                from_state=CaseState.DRAFT,
                to_state=self.state,
                at=self.state_changed_at,
                by=self.created_by,
            )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kampanye uji {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    target_new_participants = 10
    target_employers_compliant = 4
    target_non_asn_enrolled = 5

    @factory.post_generation
    def branches(self, create, extracted, **kwargs):
        if create and extracted:
            self.branches.set(extracted)
