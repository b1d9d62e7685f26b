from django.urls import path

from cases.paper import views

app_name = "paper"

urlpatterns = [
    path("<id:case_id>/paper-file/", views.paper_file_section, name="section"),
    path("<id:case_id>/paper-file/location/", views.paper_file_location, name="location"),
    path("<id:case_id>/paper-file/shredded/", views.paper_file_shredded, name="shredded"),
]
