"""A Django admin site that exists only inside the benchmark process.

It answers "what would the stock admin changelist cost for the same list?".
Production's admin is unchanged: administrators there never see case content,
and this site is mounted only by ``benchmarks.urls``, which the benchmark
uses as its URLconf and nothing else imports.
"""

from django.contrib import admin

from cases.models import Case

PAGE_SIZE = 25


class BenchmarkAdminSite(admin.AdminSite):
    site_header = "Benchmark comparison"


class CaseChangelist(admin.ModelAdmin):
    # The columns of the app's own case list that are not encrypted.
    list_display = ["reference", "status", "opened_on", "assigned_staff"]
    list_select_related = ["assigned_staff"]
    list_per_page = PAGE_SIZE
    show_full_result_count = False

    def get_queryset(self, request):
        # Without this every row would decrypt its summary, unwrapping its key
        # alone (25 key-store queries), which would flatter the app unfairly.
        return super().get_queryset(request).defer("summary")


site = BenchmarkAdminSite(name="benchmark_admin")
site.register(Case, CaseChangelist)
