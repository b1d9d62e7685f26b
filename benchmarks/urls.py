"""The benchmark's URLconf: the product's URLs plus the comparison admin site."""

from django.urls import path

from benchmarks.admin_site import site
from pps.urls import urlpatterns as product_urlpatterns

urlpatterns = [*product_urlpatterns, path("benchmark-admin/", site.urls)]
