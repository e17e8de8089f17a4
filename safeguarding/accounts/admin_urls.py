from django.urls import path

from safeguarding.accounts.views import admin as views

app_name = "administration"

urlpatterns = [
    path("", views.admin_home, name="home"),
]
