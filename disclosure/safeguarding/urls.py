from django.urls import path

from disclosure.safeguarding import views

app_name = "safeguarding"

case = "cases/<id:case_id>/"
urlpatterns = [
    path("overrides/", views.override_list_page, name="list"),
    path("overrides/<id:override_id>/", views.override_detail, name="detail"),
    path("overrides/<id:override_id>/review/", views.override_review_save, name="review"),
    path(f"{case}override/", views.override_new, name="override_new"),
    path(f"{case}override/save/", views.override_create, name="override_create"),
    path(f"{case}no-share/", views.non_disclosure_new, name="non_disclosure_new"),
    path(f"{case}no-share/save/", views.non_disclosure_create, name="non_disclosure_create"),
]
