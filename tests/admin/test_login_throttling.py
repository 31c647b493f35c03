from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

PASSWORD = "the right passphrase 7"


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _staff(username: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, is_staff=True)


def test_staff_log_in_through_the_admin_login_form(db):
    _staff("operator")

    response = _login(Client(), "operator", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_user_who_is_not_staff_cannot_log_in_to_the_admin(db):
    User.objects.create_user("customer", password=PASSWORD, is_staff=False)

    response = _login(Client(), "customer", PASSWORD)

    assert response.status_code == 200
    assert b"staff account" in response.content


def test_five_failed_logins_lock_the_username_out_from_that_address(db):
    _staff("operator")
    client = Client()
    failures = [
        _login(client, "operator", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = _login(client, "operator", PASSWORD)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert failures[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_only_for_that_username_and_address(db):
    _staff("operator")
    _staff("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "operator", "wrong", address="10.0.0.1")

    colleague = _login(Client(), "colleague", PASSWORD, address="10.0.0.1")
    elsewhere = _login(Client(), "operator", PASSWORD, address="10.0.0.2")

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_a_successful_login_resets_the_failure_count(db):
    _staff("operator")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), "operator", "wrong")
    assert _login(Client(), "operator", PASSWORD).status_code == 302

    after_reset = [
        _login(Client(), "operator", "wrong").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]

    assert after_reset == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert _login(Client(), "operator", PASSWORD).status_code == 302
