"""The front door's landing page, the eMARF and "your referrals" (included by frontdoor/urls.py)."""

from django.urls import URLPattern, path

from safeguarding.frontdoor.views import emarf

_DRAFT = "referrals/drafts/<int:draft_pk>/"

urlpatterns: list[URLPattern] = [
    path("", emarf.home, name="home"),
    path("referrals/", emarf.referral_list, name="referral-list"),
    path("referrals/new/", emarf.start, name="emarf-start"),
    path("referrals/<int:pk>/", emarf.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/sent/", emarf.confirmation, name="emarf-confirmation"),
    path(
        "referrals/<int:pk>/files/<int:attachment_pk>/",
        emarf.attachment_download,
        name="attachment-download",
    ),
    path(_DRAFT, emarf.tasks, name="emarf-tasks"),
    path(f"{_DRAFT}delete/", emarf.delete, name="emarf-delete"),
    path(f"{_DRAFT}children/", emarf.children, name="emarf-children"),
    path(f"{_DRAFT}children/add/", emarf.child_add, name="emarf-child-add"),
    path(f"{_DRAFT}children/<int:index>/", emarf.child_change, name="emarf-child"),
    path(f"{_DRAFT}children/<int:index>/remove/", emarf.child_remove, name="emarf-child-remove"),
    path(f"{_DRAFT}household/", emarf.household, name="emarf-household"),
    path(f"{_DRAFT}household/add/", emarf.member_add, name="emarf-member-add"),
    path(f"{_DRAFT}household/<int:index>/", emarf.member_change, name="emarf-member"),
    path(f"{_DRAFT}household/<int:index>/remove/", emarf.member_remove, name="emarf-member-remove"),
    path(f"{_DRAFT}files/", emarf.attachments, name="emarf-attachments"),
    path(f"{_DRAFT}files/<int:index>/remove/", emarf.attachment_remove, name="emarf-attachment-remove"),
    path(f"{_DRAFT}check/", emarf.check, name="emarf-check"),
    path(f"{_DRAFT}<slug:section>/", emarf.step, name="emarf-step"),
]
