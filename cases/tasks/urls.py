from django.urls import path

from cases.tasks import views

app_name = "tasks"

urlpatterns = [
    path("<id:case_id>/tasks/", views.task_list, name="list"),
    path("<id:case_id>/tasks/add/", views.task_add, name="add"),
    path("<id:case_id>/tasks/<id:task_id>/done/", views.task_mark_done, name="done"),
    path("<id:case_id>/tasks/<id:task_id>/cancel/", views.task_mark_cancelled, name="cancel"),
    path("<id:case_id>/tasks/<id:task_id>/reassign/", views.task_give_to, name="reassign"),
]
