import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from payment_service_client import PaymentServiceError, SignatureVerificationError, webhooks

from . import hooks
from .accounts import account_create, account_of, clock_advance
from .events import event_object
from .models import ReceivedEvent, Setting

logger = logging.getLogger("demo")


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # no user without their customer
                user = form.save()
                account_create(user=user)
        except PaymentServiceError as error:
            form.add_error(None, f"payment-service refused the sign-up: {error}")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}!")
            return redirect(settings.DEMO_AFTER_SIGNUP)
    return render(request, "demo_common/signup.html", {"form": form})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """payment-service's deliveries: verified with the client's helper, kept once per event id,
    then handed to the demo's `on_event`."""
    try:
        event = webhooks.verify(
            request.body,
            request.headers.get(webhooks.SIGNATURE_HEADER),
            Setting.get("webhook_secret"),
        )
    except SignatureVerificationError as error:
        logger.warning("refused a webhook delivery: %s", error)
        return HttpResponseBadRequest(str(error))
    customer = event_object(event).get("customer")
    try:
        with transaction.atomic():
            ReceivedEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                customer_id=customer if isinstance(customer, str) else "",
                payload=event,
            )
            hooks.call("on_event", event)
    except IntegrityError:
        pass  # a repeated delivery of an event already handled
    return HttpResponse(status=204)


@login_required
@require_POST
def clock(request: HttpRequest) -> HttpResponse:
    account = account_of(request.user)
    if account is None:
        return redirect("/")
    days = int(request.POST["days"]) if request.POST.get("days", "").isdigit() else 0
    if days > 0:
        target = clock_advance(account, days=days)
        messages.info(request, f"Moved your test clock {days} days, to {target:%Y-%m-%d}.")
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


@login_required
def events(request: HttpRequest) -> HttpResponse:
    account = account_of(request.user)
    received = ReceivedEvent.objects.all()
    if not request.user.is_staff:
        received = received.filter(customer_id=account.customer_id if account else "-")
    return render(request, "demo_common/events.html", {"events": received[:100]})
