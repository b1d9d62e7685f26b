from django.contrib import admin
from django.urls import include, path, reverse_lazy

from pps import change_views, health, views
from pps.security import views as security_views

admin.site.site_header = "SEND Information, Advice and Support – administration"
admin.site.site_title = "Administration"
# Django's admin is one of the administration home's tools: its "View site" link
# goes back to that home, never to the case workers' pages.
admin.site.site_url = reverse_lazy("administration")

urlpatterns = [
    # Each role's home page (CAS-4): cases.work.views.home, named "home".
    path("", include("cases.work.home_urls")),
    path("work/", include("cases.work.urls")),
    path("administration/", views.administration, name="administration"),
    path("accounts/login/", security_views.sign_in, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/keepalive/", views.keepalive, name="keepalive"),
    # Answered by pps.health.HealthCheckMiddleware before the session; named for reverse().
    path("healthz", health.healthz, name="health"),
    path("changes/", change_views.changes, name="changes"),
    path("accounts/", include("pps.security.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("cases.tasks.urls")),
    path("cases/", include("cases.closing.urls")),
    path("cases/", include("cases.paper.urls")),
    path("policy/", include("pps.policy.urls")),
    path("volunteers/", include("pps.volunteers.urls")),
    path("staff-training/", include("pps.training.urls")),
    path("access-log/", include("cases.access_log.urls")),
    path("helpline/", include("cases.helpline.urls")),
    path("statistics/", include("cases.statistics.urls")),
    path("retention/", include("retention.urls")),
    path("breaches/", include("governance.urls")),
    path("maintainers/", include("governance.maintainers.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("safeguarding/", include("disclosure.safeguarding.urls")),
    path("", include("consent.urls")),
    path("admin/", admin.site.urls),
]
