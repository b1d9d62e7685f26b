"""Every form is acted on once, however often it is sent (SEC-4: double submissions).

static/js/app.js gives every POST form on a page a hidden ``idempotency_key``
(random, new on each page load and after each htmx request). The first POST
with a key claims it in ``FormSubmission`` (a unique constraint, so two
copies arriving together cannot both win). A copy that arrives later waits
for the first to finish and is then sent where the first was sent, with a
note that the form had already been sent. Nothing is done twice.

Only completed writes keep their claim: a redirect (the Post/Redirect/Get
pattern every write view follows), or a successful htmx response. A page
re-shown with errors, a refusal or a crash releases the key so that the
corrected form can be sent again.
"""

import re
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pps.security.models import FormSubmission

KEY_FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
WAIT_FOR_FIRST_SECONDS = 15
POLL_SECONDS = 0.1
STALE_AFTER = timedelta(minutes=2)
KEEP_FOR = timedelta(days=1)
ALREADY_SENT = "That form had already been sent. It was saved once, not twice."


class IdempotentPostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        key = request.POST.get(KEY_FIELD, "")
        if not KEY_PATTERN.match(key):
            return self.get_response(request)
        submission = self._claim(request, key)
        while submission is None:
            duplicate_response = self._answer_duplicate(request, key)
            if duplicate_response is not None:
                return duplicate_response
            submission = self._claim(request, key)
        response = self.get_response(request)
        self._settle(request, submission, response)
        return response

    @staticmethod
    def _claim(request, key: str) -> FormSubmission | None:
        FormSubmission.objects.filter(
            user=request.user, created_at__lt=timezone.now() - KEEP_FOR
        ).delete()
        try:
            with transaction.atomic():
                return FormSubmission.objects.create(
                    user=request.user, key=key, path=request.path[:500]
                )
        except IntegrityError:
            return None

    def _answer_duplicate(self, request, key: str) -> HttpResponse | None:
        """Wait for the first copy; None means it gave up its claim and this copy may run."""
        deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
        while True:
            first = FormSubmission.objects.filter(user=request.user, key=key).first()
            if first is None:
                return None
            if first.completed_at is not None:
                return self._replay(request, first)
            if timezone.now() - first.created_at > STALE_AFTER:
                # The first copy's process died mid-request: let this one run.
                FormSubmission.objects.filter(pk=first.pk, completed_at__isnull=True).delete()
                return None
            if time.monotonic() > deadline:
                return render(
                    request,
                    "security/refused.html",
                    {
                        "status": 409,
                        "message": "This form is still being saved from when you first sent "
                        "it. Wait a moment, then check the record before sending it again.",
                    },
                    status=409,
                )
            time.sleep(POLL_SECONDS)

    @staticmethod
    def _replay(request, first: FormSubmission) -> HttpResponse:
        if first.path != request.path[:500]:
            return render(
                request,
                "security/refused.html",
                {"status": 400, "message": "This form could not be sent. Reload the page."},
                status=400,
            )
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            if first.redirect_to:
                response["HX-Redirect"] = first.redirect_to
            return response
        messages.info(request, ALREADY_SENT)
        return redirect(first.redirect_to or request.path)

    @staticmethod
    def _settle(request, submission: FormSubmission, response: HttpResponse) -> None:
        status = response.status_code
        target = ""
        if 300 <= status < 400 and response.has_header("Location"):
            target = response["Location"]
        elif getattr(request, "htmx", False) and 200 <= status < 300:
            target = response.get("HX-Redirect", "") or response.get("HX-Location", "")
        else:
            FormSubmission.objects.filter(pk=submission.pk).delete()
            return
        FormSubmission.objects.filter(pk=submission.pk).update(
            completed_at=timezone.now(), redirect_to=target[:2000]
        )
