"""GOV.UK styling for Django forms: the classes and ARIA links the design system expects on each widget."""

from __future__ import annotations

from datetime import date
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


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: three boxes for day, month and year."""

    template_name = "core/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # "govuk-input" lets GovukFormMixin mark the field's error state, which each box then shows.
        super().__init__(
            [forms.TextInput(), forms.TextInput(), forms.TextInput()],
            {"class": "govuk-input", **(attrs or {})},
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        in_error = "govuk-input--error" in context["widget"]["attrs"].get("class", "")
        labels = ("Day", "Month", "Year")
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            css = [
                "govuk-input",
                "govuk-date-input__input",
                "govuk-input--width-4" if index == 2 else "govuk-input--width-2",
            ]
            if in_error:
                css.append("govuk-input--error")
            subwidget["attrs"]["class"] = " ".join(css)
            subwidget["attrs"]["inputmode"] = "numeric"
            subwidget["label"] = labels[index]
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        label = str(kwargs.get("label", "Date"))
        parts = tuple(
            forms.IntegerField(error_messages={"invalid": f"{label} must be a real date"}) for _ in range(3)
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter the {label.lower()}",
                "incomplete": f"{label} must include a day, month and year",
            },
        )
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or all(part in (None, "") for part in data_list):
            return None
        if any(part in (None, "") for part in data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = (int(part) for part in data_list)
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(f"{self.label} must be a real date", code="invalid") from exc


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes (the field is shown in a fieldset with its label as the legend)."""

    template_name = "core/widgets/checkboxes.html"

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        # The error summary links to the first box.
        return super().id_for_label(id_, "0" if index is None else index)
