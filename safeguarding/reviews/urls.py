"""The case reviews area's URLs: reviews are addressed by their code (e.g. /reviews/W14/)."""

from __future__ import annotations

from django.urls import path

from safeguarding.reviews import views, year_views

app_name = "reviews"

urlpatterns = [
    *year_views.urlpatterns,
    path("", views.summary, name="summary"),
    path("refer/", views.refer, name="refer"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", views.proposal_decline, name="proposal_decline"),
    path("print/", views.summary_print, name="summary_print"),
    path("profile/", views.profile, name="profile"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/new/", views.reviewer_add, name="reviewer_add"),
    path("reviewers/<int:pk>/edit/", views.reviewer_edit, name="reviewer_edit"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/subject/", views.subject, name="subject"),
    path("<str:code>/referral/", views.referral, name="referral"),
    path("<str:code>/notification/", views.notification, name="notification"),
    path("<str:code>/information/", views.information_request, name="information_request"),
    path(
        "<str:code>/information/<int:pk>/returned/", views.information_returned, name="information_returned"
    ),
    path("<str:code>/rapid-review/", views.rapid_review, name="rapid_review"),
    path("<str:code>/rapid-review/attendees/", views.rapid_review_attendees, name="rapid_review_attendees"),
    path(
        "<str:code>/rapid-review/attendees/<int:pk>/remove/",
        views.rapid_review_attendee_remove,
        name="rapid_review_attendee_remove",
    ),
    path("<str:code>/decision/", views.decision, name="decision"),
    path("<str:code>/pause/", views.pause, name="pause"),
    path("<str:code>/resume/", views.resume, name="resume"),
    path("<str:code>/start/", views.review_start, name="review_start"),
    path("<str:code>/reviewer/", views.review_reviewer, name="review_reviewer"),
    path("<str:code>/milestones/<str:stage>/", views.review_milestone, name="review_milestone"),
    path("<str:code>/publish/", views.review_publish, name="review_publish"),
    path("<str:code>/close/", views.review_close, name="review_close"),
    path("<str:code>/recommendations/new/", views.recommendation_add, name="recommendation_add"),
    path(
        "<str:code>/recommendations/<int:number>/actions/new/",
        views.recommendation_action_add,
        name="recommendation_action_add",
    ),
]
