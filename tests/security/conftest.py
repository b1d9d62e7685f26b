"""Helpers for the security tests: signing in through the real forms, step by step."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.two_factor import authenticator, force_login_password_only, next_code


def sign_in_with_password(client, user, password=PASSWORD, **extra):
    return client.post(
        reverse("login"), {"username": user.get_username(), "password": password}, **extra
    )


def give_code(client, user, **extra):
    return client.post(
        reverse("security:verify"), {"code": next_code(authenticator(user))}, **extra
    )


def sign_in_fully(client, user, **extra):
    authenticator(user)
    first = sign_in_with_password(client, user, **extra)
    assert first.status_code == 302, first.status_code
    second = give_code(client, user, **extra)
    assert second.status_code == 302, second.content[:500]
    return second


def confirm_identity(client, user, next_url="/"):
    return client.post(
        reverse("security:sudo"),
        {"password": PASSWORD, "code": next_code(authenticator(user)), "next": next_url},
    )


@pytest.fixture
def password_only_client():
    """A session that has given the password but not the second factor."""

    def make(user):
        client = Client()
        force_login_password_only(client, user)
        return client

    return make
