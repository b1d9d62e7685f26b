from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.breach_list, name="list"),
    path("new/", views.breach_new, name="new"),
    path("<id:breach_id>/", views.breach_detail, name="detail"),
    path("<id:breach_id>/edit/", views.breach_edit, name="edit"),
    path("<id:breach_id>/ico/", views.breach_ico, name="ico"),
    path("<id:breach_id>/families/", views.breach_families, name="families"),
    path("<id:breach_id>/actions/new/", views.breach_action, name="action_add"),
    path("<id:breach_id>/close/", views.breach_close_view, name="close"),
    path("<id:breach_id>/reopen/", views.breach_reopen_view, name="reopen"),
]
