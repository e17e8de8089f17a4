from django.contrib.auth.decorators import login_not_required
from django.urls import path

from safeguarding.accounts.views import auth as views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.two_factor_verify, name="two-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-out/everywhere/", views.sign_out_everywhere_view, name="sign-out-everywhere"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("", views.my_account, name="my-account"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/recovery-codes/new/", views.recovery_codes_new, name="recovery-codes-new"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", login_not_required(views.PasswordResetView.as_view()), name="password-reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        login_not_required(views.PasswordResetConfirmView.as_view()),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", views.password_reset_done, name="password-reset-done"),
]
