from django.urls import path

from governance.maintainers import views

app_name = "maintainers"

urlpatterns = [
    path("", views.maintainer_list, name="list"),
    path("new/", views.maintainer_new, name="new"),
    path("<id:maintainer_id>/", views.maintainer_detail, name="detail"),
    path("<id:maintainer_id>/edit/", views.maintainer_edit, name="edit"),
]
