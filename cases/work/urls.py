from django.urls import path

from cases.work import views
from cases.work.selectors import SECTIONS

app_name = "work"

# Each section of the home page has its own list page (and URL name), gated by
# the section's roles.
urlpatterns = [
    path(f"{section.key}/", views.section_list_view(section), name=section.key)
    for section in SECTIONS
]
