"""QuickSelect renders the same choices and selection as Django's Select, without templates."""

import re

from django import forms

from core.widgets import QuickSelect

CHOICES = [("", "Semua"), ("36.04", "Kab. Serang"), ("36.73", 'Kota "Serang" & <sekitar>')]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>(.*?)</option>', html
        )
    ]


def test_quick_select_offers_the_same_options_as_djangos_select():
    quick = QuickSelect(choices=CHOICES).render("regency", "36.73", attrs={"id": "id_regency"})
    django = forms.Select(choices=CHOICES).render("regency", "36.73", attrs={"id": "id_regency"})
    assert _options(quick) == _options(django)
    assert [selected for _v, selected, _l in _options(quick)] == [False, False, True]


def test_quick_select_escapes_labels():
    html = QuickSelect(choices=CHOICES).render("regency", None)
    assert "&quot;Serang&quot; &amp; &lt;sekitar&gt;" in html
    assert "<sekitar>" not in html


def test_quick_select_keeps_name_id_and_class():
    html = QuickSelect(attrs={"class": "form-select"}, choices=CHOICES).render(
        "regency", "", attrs={"id": "id_regency"}
    )
    assert html.startswith('<select class="form-select" id="id_regency" name="regency">')
    assert _options(html)[0] == ("", True, "Semua")


def test_quick_select_renders_model_choices_by_primary_key(db):
    from regions.models import Regency
    from regions.tests.factories import RegencyFactory

    RegencyFactory(code="36.04", name="Serang")
    RegencyFactory(code="36.73", name="Kota Serang")
    field = forms.ModelChoiceField(
        queryset=Regency.objects.filter(code__in=["36.04", "36.73"]).order_by("code"),
        widget=QuickSelect,
    )
    html = field.widget.render("regency", "36.04")
    assert [value for value, _s, _l in _options(html)] == ["", "36.04", "36.73"]
    assert _options(html)[1] == ("36.04", True, "Serang")
