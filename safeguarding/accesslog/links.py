"""Links into the access log for other pages: "who viewed this record" and "what did this person view"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.urls import reverse


def who_viewed_url(record: models.Model) -> str:
    """The access log filtered to one record, using the subject type and id access_event_record gives it."""
    query = urlencode({"subject_type": record._meta.label_lower, "subject_id": str(record.pk)})
    return f"{reverse('accesslog:list')}?{query}"


def person_activity_url(user_id: int) -> str:
    return reverse("accesslog:person", args=[user_id])
