"""Retention screens for administrators: schedule, settings, archive, purge, log.

Administrators run retention but never read case content (ACC-1): every page
here shows references, categories, dates and counts only.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pps.decorators import no_volunteer_export, role_required
from pps.paging import IdFirstPaginator
from pps.pdf import pdf_response
from pps.roles import Role
from pps.security.sudo import sudo_required
from pps.submission import submit
from retention.access import active_holds_for, stored_due_count
from retention.certificate import certificate_reference, destruction_certificate_pdf
from retention.forms import (
    CategoryForm,
    CertificateForm,
    PurgeConfirmForm,
    PurgePreviewDateForm,
    RecordRuleForm,
    SettingsForm,
)
from retention.models import DestructionLogEntry, PurgeRun, RetentionCategory
from retention.purge import PurgeRefused, purge_preview, purge_run_create
from retention.record_rules import KIND_RULES, record_rules_for, rule_text
from retention.schedule import retention_categories_for
from retention.services import (
    cases_archive_due,
    cases_due_for_archive,
    record_rule_update,
    retention_category_create,
    retention_category_update,
    retention_settings_for,
    retention_settings_update,
)
from retention.tasks import (
    ACTIVE,
    purge_run_enqueue,
    purge_run_restart,
    run_can_restart,
    run_is_stale,
)

admin_only = role_required(Role.ADMIN)
CATEGORY_FIELDS = ["name", "description", "anchor", "anchor_age_years", "years"]
LOG_PER_PAGE = 50


@require_GET
@admin_only
def dashboard(request):
    service = request.user.service
    return render(
        request,
        "retention/dashboard.html",
        {
            "categories": retention_categories_for(service),
            "settings": retention_settings_for(service),
            "archive_due": cases_due_for_archive(service).count(),
            "stored_due": stored_due_count(service),
            "active_holds": active_holds_for(request.user).count(),
            "runs": PurgeRun.objects.filter(service=service)[:5],
        },
    )


@require_GET
@admin_only
def categories(request):
    return render(
        request,
        "retention/categories.html",
        {"categories": retention_categories_for(request.user.service)},
    )


def _category_page(request, form, category=None, status=200):
    return render(
        request,
        "retention/category_form.html",
        {"form": form, "category": category},
        status=status,
    )


@require_GET
@admin_only
def category_new(request):
    return _category_page(request, CategoryForm(initial={"anchor_age_years": 0}))


@require_POST
@admin_only
def category_create(request):
    form = CategoryForm(request.POST)
    created, _ = submit(
        form,
        lambda data: retention_category_create(
            service=request.user.service, by=request.user, **data
        ),
    )
    if created:
        messages.success(request, "Retention category added.")
        return redirect("retention:categories")
    return _category_page(request, form, status=400)


def _own_category(request, category_id: int) -> RetentionCategory:
    return get_object_or_404(RetentionCategory, pk=category_id, service=request.user.service)


@require_GET
@admin_only
def category_edit(request, category_id: int):
    category = _own_category(request, category_id)
    initial = {name: getattr(category, name) for name in CATEGORY_FIELDS}
    initial["applies_to_every_case"] = category.applies_to_every_case
    return _category_page(request, CategoryForm(initial=initial), category)


@require_POST
@admin_only
def category_update(request, category_id: int):
    category = _own_category(request, category_id)
    form = CategoryForm(request.POST)
    saved, recomputed = submit(
        form, lambda data: retention_category_update(category=category, by=request.user, **data)
    )
    if saved:
        messages.success(
            request, f"Retention category saved; {recomputed} cases' dates recomputed."
        )
        return redirect("retention:categories")
    return _category_page(request, form, category, status=400)


def _settings_page(request, form, status=200):
    return render(request, "retention/settings.html", {"form": form}, status=status)


@require_GET
@admin_only
def settings_edit(request):
    current = retention_settings_for(request.user.service)
    return _settings_page(
        request,
        SettingsForm(
            initial={
                "archive_after_days": current.archive_after_days,
                "anonymous_contact_years": current.anonymous_contact_years,
            }
        ),
    )


@require_POST
@admin_only
def settings_update(request):
    form = SettingsForm(request.POST)
    saved, _ = submit(
        form,
        lambda data: retention_settings_update(
            service=request.user.service, by=request.user, **data
        ),
    )
    if saved:
        messages.success(request, "Retention settings saved.")
        return redirect("retention:dashboard")
    return _settings_page(request, form, status=400)


# Records not about families (GOV-7): one rule per kind, months only. Like the
# schedule and the settings, no re-authentication: nothing is destroyed here,
# the purge (which asks for it) applies the rules.
@require_GET
@admin_only
def record_rules(request):
    rules = [
        {"rule": rule, "label": rule.get_kind_display(), "text": rule_text(rule.kind, rule.months)}
        for rule in record_rules_for(request.user.service)
    ]
    return render(request, "retention/record_rules.html", {"rules": rules})


def _own_record_rule(request, kind: str):
    if kind not in KIND_RULES:
        raise Http404("No such kind of record.")
    return next(rule for rule in record_rules_for(request.user.service) if rule.kind == kind)


def _record_rule_page(request, rule, form, status=200):
    return render(
        request,
        "retention/record_rule_form.html",
        {"rule": rule, "form": form, "kind_rule": KIND_RULES[rule.kind]},
        status=status,
    )


@require_GET
@admin_only
def record_rule_edit(request, kind: str):
    rule = _own_record_rule(request, kind)
    form = RecordRuleForm(initial={"months": rule.months}, kind=kind)
    return _record_rule_page(request, rule, form)


@require_POST
@admin_only
def record_rule_save(request, kind: str):
    rule = _own_record_rule(request, kind)
    form = RecordRuleForm(request.POST, kind=kind)
    saved, _ = submit(
        form,
        lambda data: record_rule_update(
            service=request.user.service, kind=kind, by=request.user, months=data["months"]
        ),
        field="months",
    )
    if saved:
        messages.success(request, f"Retention rule saved: {rule.get_kind_display()}.")
        return redirect("retention:record_rules")
    return _record_rule_page(request, rule, form, status=400)


@require_POST
@admin_only
def archive_now(request):
    archived = cases_archive_due(service=request.user.service, by=request.user)
    messages.success(request, f"{archived} closed cases archived.")
    return redirect("retention:dashboard")


def _purge_page(request, form=None, status=200, date_form=None):
    as_of = date_form.cleaned_data["as_of"] if date_form and date_form.is_valid() else None
    if date_form is not None and date_form.errors:
        status = 400
    preview = purge_preview(service=request.user.service, as_of=as_of)
    # A later day's preview is for planning only: it offers no purge, and the
    # confirmation never carries a date (the purge works the dates out for today).
    if not preview.planned:
        form = form or PurgeConfirmForm(initial={"case_ids": ",".join(map(str, preview.due_ids))})
    return render(
        request,
        "retention/purge.html",
        {
            "preview": preview,
            "form": form,
            "date_form": date_form or PurgePreviewDateForm(),
        },
        status=status,
    )


# Destruction cannot be undone: the preview and the confirmation both ask the
# administrator to confirm who they are first (SEC-4, ASVS 7.5.3).
@require_GET
@admin_only
@sudo_required
def purge(request):
    asked = PurgePreviewDateForm(request.GET) if "as_of_day" in request.GET else None
    return _purge_page(request, date_form=asked)


@require_POST
@admin_only
@sudo_required
def purge_confirm(request):
    form = PurgeConfirmForm(request.POST)
    if not form.is_valid():
        return _purge_page(request, form, status=400)
    try:
        run = purge_run_create(
            case_ids=form.cleaned_data["case_ids"],
            by=request.user,
            method=PurgeRun.Method.SCREEN,
            service=request.user.service,
            status=PurgeRun.Status.QUEUED,
        )
    except PurgeRefused as exc:
        messages.error(request, str(exc))
        return redirect("retention:purge")
    # A purge of many cases outlasts any request: the worker does it (OPS-2),
    # and the run's page follows its progress.
    purge_run_enqueue(run)
    return redirect("retention:run", run.pk)


def _own_run(request, run_id: int) -> PurgeRun:
    return get_object_or_404(PurgeRun, pk=run_id, service=request.user.service)


@require_GET
@admin_only
def run(request, run_id: int):
    """A run's result, or its progress while the worker has it (htmx polls this page)."""
    purge_run = _own_run(request, run_id)
    active = purge_run.status in ACTIVE
    return render(
        request,
        "retention/run.html",
        {
            "run": purge_run,
            "active": active,
            "stale": active and run_is_stale(purge_run),
            "can_restart": run_can_restart(purge_run),
            "entries": purge_run.entries.select_related("authorised_by"),
        },
    )


# Restarting queues destruction again: the administrator confirms who they are
# first, as for the purge itself (SEC-4).
@require_POST
@admin_only
@sudo_required
def run_restart(request, run_id: int):
    purge_run = _own_run(request, run_id)
    try:
        purge_run = purge_run_restart(run=purge_run, by=request.user)
    except PurgeRefused as exc:
        messages.error(request, str(exc))
        return redirect("retention:run", purge_run.pk)
    purge_run_enqueue(purge_run)
    messages.success(request, "The purge has been queued again.")
    return redirect("retention:run", purge_run.pk)


def _log_page(request, form, status=200):
    entries = DestructionLogEntry.objects.filter(service=request.user.service).select_related(
        "authorised_by"
    )
    page = IdFirstPaginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "retention/log.html",
        {"page_obj": page, "entries": page.object_list, "form": form},
        status=status,
    )


@require_GET
@admin_only
def log(request):
    today = timezone.localdate()
    return _log_page(
        request, CertificateForm(initial={"start": today.replace(day=1), "end": today})
    )


@require_GET
@admin_only
@no_volunteer_export
def certificate(request):
    form = CertificateForm(request.GET)
    if not form.is_valid():
        return _log_page(request, form, status=400)
    service = request.user.service
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    pdf = destruction_certificate_pdf(
        service=service, start=start, end=end, produced_by=request.user
    )
    return pdf_response(pdf, f"{certificate_reference(service, start, end)}.pdf")
