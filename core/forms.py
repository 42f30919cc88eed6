"""Small helpers shared by the forms of several apps."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
            if field in form.fields:
                # Marked like a form error, so the page highlights it and focuses it first.
                widget = form.fields[field].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
    else:
        form.add_error(None, error.messages)


class BootstrapFormMixin:
    """Bootstrap classes on every widget, so templates can render fields in a loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class LoginForm(AuthenticationForm):
    """The login form with our own wrong-password text: Django's Indonesian catalogue already
    says "nama pengguna" around %(username)s, which our label fills with "nama pengguna" again."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Huruf besar dan kecil dibedakan pada keduanya."
        ),
    }


def posted_data(request):
    """The data to bind a form to: a POST's, even an empty one, else None (unbound).

    `request.POST or None` leaves a form posted with no fields unbound, so it is never valid
    and never has errors or cleaned_data to show.
    """
    return request.POST if request.method == "POST" else None
