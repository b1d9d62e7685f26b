"""Reading and acknowledging the confidentiality policy; publishing versions (ACC-9)."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from pps.decorators import role_required
from pps.models import ConfidentialityPolicy, PolicyAcknowledgement
from pps.policy.forms import PolicyAcknowledgeForm, PolicyPublishForm
from pps.policy.gate import policy_acknowledgement_not_required
from pps.policy.services import (
    PolicyRuleError,
    acknowledgement_overview,
    current_policy,
    policy_acknowledge,
    policy_publish,
)
from pps.roles import CASE_READER_ROLES, Role


def _safe_next(request) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@require_http_methods(["GET", "POST"])
@policy_acknowledgement_not_required
@role_required(*CASE_READER_ROLES)
def acknowledge(request):
    policy = current_policy(request.user.service_id)
    acknowledged = (
        policy is not None
        and PolicyAcknowledgement.objects.filter(policy=policy, user=request.user).exists()
    )
    form = PolicyAcknowledgeForm(
        request.POST if request.method == "POST" else None,
        initial={"policy_id": policy.pk if policy else None},
    )
    if request.method == "POST" and policy is not None and form.is_valid():
        if form.cleaned_data["policy_id"] != policy.pk:
            messages.error(
                request, "A newer version of the policy has taken effect. Read it and confirm."
            )
            return redirect("policy:acknowledge")
        policy_acknowledge(user=request.user, policy=policy)
        messages.success(request, f"Thank you. You have acknowledged version {policy.version}.")
        return redirect(_safe_next(request) or "home")
    return render(
        request,
        "pps/policy/acknowledge.html",
        {
            "policy": policy,
            "acknowledged": acknowledged,
            "form": form,
            "next": _safe_next(request) or "",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@policy_acknowledgement_not_required
@role_required(Role.COORDINATOR)
def manage(request):
    service_id = request.user.service_id
    policy = current_policy(service_id)
    acknowledged, outstanding = acknowledgement_overview(policy) if policy else ([], [])
    return render(
        request,
        "pps/policy/manage.html",
        {
            "policy": policy,
            "versions": ConfidentialityPolicy.objects.filter(service_id=service_id).defer("text"),
            "acknowledged": acknowledged,
            "outstanding": outstanding,
            "today": timezone.localdate(),
        },
    )


@require_GET
@policy_acknowledgement_not_required
@role_required(Role.COORDINATOR)
def detail(request, policy_id: int):
    policy = get_object_or_404(
        ConfidentialityPolicy, pk=policy_id, service_id=request.user.service_id
    )
    acknowledged, outstanding = acknowledgement_overview(policy)
    return render(
        request,
        "pps/policy/detail.html",
        {
            "policy": policy,
            "acknowledged": acknowledged,
            "outstanding": outstanding,
            "in_force": current_policy(policy.service_id) == policy,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@policy_acknowledgement_not_required
@role_required(Role.COORDINATOR)
def publish(request):
    latest = ConfidentialityPolicy.objects.filter(service_id=request.user.service_id).first()
    initial = {"effective_from": timezone.localdate()}
    if latest is not None:
        initial.update(title=latest.title, text=latest.text)
    form = PolicyPublishForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = policy_publish(
                service=request.user.service, by=request.user, **form.cleaned_data
            )
        except PolicyRuleError as error:
            form.add_error(None, str(error))
        except IntegrityError:
            # Two coordinators publishing at the same moment: one gets the number.
            form.add_error(None, "Another version was published just now. Check it and try again.")
        else:
            messages.success(request, f"Version {policy.version} published.")
            return redirect("policy:detail", policy_id=policy.pk)
    return render(
        request,
        "pps/policy/publish.html",
        {"form": form, "latest": latest},
        status=400 if request.method == "POST" else 200,
    )
