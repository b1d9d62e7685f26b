from django.urls import path

from disclosure import views
from disclosure.capacity import views as capacity_views

app_name = "disclosure"

case = "case/<id:case_id>/"
one = f"{case}<id:request_id>/"
urlpatterns = [
    path("", views.requests_due, name="requests_due"),
    path("approvers/", views.approvers, name="approvers"),
    path("approvers/save/", views.approvers_save, name="approvers_save"),
    path(f"{case}log/", views.case_log, name="case_log"),
    path(f"{case}new/", views.new, name="new"),
    path(f"{case}new/save/", views.create, name="create"),
    path(one, views.detail, name="detail"),
    path(f"{one}notified/", views.notified_save, name="notified_save"),
    path(f"{one}answer/", views.answer_save, name="answer_save"),
    path(f"{one}close/", views.close_save, name="close_save"),
    path(f"{one}decide/", views.decide, name="decide"),
    path(f"{one}approve/", views.approve_save, name="approve_save"),
    path(f"{one}refuse/", views.refuse_save, name="refuse_save"),
    path(f"{one}release/", views.release, name="release"),
    path(f"{one}release/save/", views.release_save, name="release_save"),
    path(f"{one}release/preview/", views.release_preview, name="release_preview"),
    path(f"{one}release/jobs/<id:job_id>/", views.release_job, name="release_job"),
    path(f"{one}release/family/", views.family_release_save, name="family_release_save"),
    path(f"{one}capacity/", capacity_views.capacity, name="capacity"),
    path(f"{one}capacity/save/", capacity_views.capacity_save, name="capacity_save"),
    path(f"{one}pack.pdf", views.pack_download, name="pack_download"),
    path(f"{one}family-pack.pdf", views.family_pack_download, name="family_pack_download"),
]
