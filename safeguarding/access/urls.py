from django.urls import path

from safeguarding.access import views

app_name = "access"

urlpatterns = [
    path("break-glass/review/", views.break_glass_review_list, name="break-glass-review"),
    path("break-glass/review/<int:pk>/", views.break_glass_review_record, name="break-glass-review-record"),
    path("break-glass/<str:model_label>/<str:pk>/", views.break_glass, name="break-glass"),
]
