from django.urls import path

from cases.closing import views

app_name = "closing"

urlpatterns = [
    path("<id:case_id>/close/", views.case_close_view, name="close"),
    path("<id:case_id>/reopen/", views.case_reopen_view, name="reopen"),
]
