"""The MASH's pages (included by frontdoor/urls.py under /front-door/, app "frontdoor")."""

from django.urls import URLPattern, path

from safeguarding.frontdoor.views import mash

CONTACT = "mash/contacts/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("mash/", mash.queue, name="queue"),
    path("mash/decided/", mash.queue_decided, name="queue-decided"),
    path("mash/contacts/new/", mash.contact_record, name="mash-contact-record"),
    path(CONTACT, mash.contact_detail, name="mash-contact"),
    path(f"{CONTACT}claim/", mash.contact_claim, name="mash-claim"),
    path(f"{CONTACT}assign/", mash.contact_assign, name="mash-assign"),
    path(f"{CONTACT}rate/", mash.contact_rate, name="mash-rate"),
    path(f"{CONTACT}children/<int:child_pk>/match/", mash.child_match, name="mash-child-match"),
    path(f"{CONTACT}children/<int:child_pk>/link/", mash.child_link, name="mash-child-link"),
    path(f"{CONTACT}children/<int:child_pk>/create/", mash.child_create, name="mash-child-create"),
    path(f"{CONTACT}checks/new/", mash.check_request, name="mash-check-request"),
    path(f"{CONTACT}checks/<int:check_pk>/answer/", mash.check_answer, name="mash-check-answer"),
    path(f"{CONTACT}decision/", mash.decision, name="mash-decision"),
    path(f"{CONTACT}authorise/", mash.decision_authorise, name="mash-authorise"),
    path(f"{CONTACT}send-back/", mash.decision_send_back, name="mash-send-back"),
]
