"""GOV.UK styling for Django forms: the classes and ARIA links the design system expects on each widget."""

from __future__ import annotations

from typing import Any

from django import forms

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.Select, "govuk-select"),
    (forms.Textarea, "govuk-textarea"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.widgets.Input, "govuk-input"),
]
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukFormMixin:
    """Mix into a Form or ModelForm: adds design-system classes, error states and aria-describedby."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_type, css in _WIDGET_CLASSES:
                if isinstance(field.widget, widget_type):
                    existing = field.widget.attrs.get("class", "")
                    field.widget.attrs["class"] = f"{css} {existing}".strip()
                    break
        self._describe_fields()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._describe_fields()

    def _describe_fields(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            # Computed rather than read from self[name]: a BoundField made now would freeze the label.
            bound_id = _auto_id(self, name)
            described = []
            if field.help_text:
                described.append(f"{bound_id}-hint")
            if name in errors:
                described.append(f"{bound_id}-error")
                css = field.widget.attrs.get("class", "")
                for base, error_css in _ERROR_CLASSES.items():
                    if base in css.split() and error_css not in css:
                        field.widget.attrs["class"] = f"{css} {error_css}"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            elif "aria-describedby" in field.widget.attrs:
                del field.widget.attrs["aria-describedby"]


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def _auto_id(form: object, name: str) -> str:
    auto_id = getattr(form, "auto_id", "id_%s")
    html_name = form.add_prefix(name)  # type: ignore[attr-defined]
    if auto_id and "%s" in str(auto_id):
        return str(auto_id) % html_name
    return html_name if auto_id else ""
