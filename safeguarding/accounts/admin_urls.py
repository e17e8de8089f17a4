"""Administration pages, mounted at /administration/ (see accounts/views/admin.py for who may use each)."""

from django.urls import path

from safeguarding.accounts.views import admin as views

app_name = "administration"

urlpatterns = [
    path("", views.admin_home, name="home"),
    # Agencies and their teams
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/change/", views.agency_edit, name="agency-edit"),
    path("agencies/<int:pk>/deactivate/", views.agency_deactivate, name="agency-deactivate"),
    path("agencies/<int:pk>/reactivate/", views.agency_reactivate, name="agency-reactivate"),
    path("agencies/<int:pk>/teams/new/", views.team_create, name="team-create"),
    path("agencies/<int:pk>/teams/<int:team_pk>/change/", views.team_edit, name="team-edit"),
    path("agencies/<int:pk>/teams/<int:team_pk>/deactivate/", views.team_deactivate, name="team-deactivate"),
    path("agencies/<int:pk>/teams/<int:team_pk>/reactivate/", views.team_reactivate, name="team-reactivate"),
    # People and the roles they hold
    path("people/", views.person_list, name="person-list"),
    path("people/invite/", views.person_invite, name="person-invite"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/change/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("people/<int:pk>/two-factor/reset/", views.person_two_factor_reset, name="person-two-factor-reset"),
    path("people/<int:pk>/invitation/", views.person_invitation_resend, name="person-invitation-resend"),
    path("people/<int:pk>/roles/new/", views.membership_add, name="membership-add"),
    path("people/<int:pk>/roles/<int:membership_pk>/end/", views.membership_end, name="membership-end"),
    # The role catalogue and sign-in lockouts
    path("roles/", views.roles, name="roles"),
    path("locked-accounts/", views.lockout_list, name="lockout-list"),
    path("locked-accounts/unlock/", views.lockout_unlock, name="lockout-unlock"),
]
