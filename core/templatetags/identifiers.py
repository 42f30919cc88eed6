"""`{% nik value %}`: a NIK in full for users who work with the person, masked for the rest.

Whether the user may see it comes from the `can` abilities in the template context (the
accounts.permissions context processor); without them the NIK is masked.
"""

from django import template

from core.identifiers import mask_nik

register = template.Library()


@register.simple_tag(takes_context=True)
def nik(context, value: str) -> str:
    abilities = context.get("can")
    if abilities is not None and abilities["see_full_nik"]:
        return value
    return mask_nik(value)
