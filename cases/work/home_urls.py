"""The site root: each role's home page (CAS-4), under the name every sign-in redirects to."""

from django.urls import path

from cases.work import views

urlpatterns = [path("", views.home, name="home")]
