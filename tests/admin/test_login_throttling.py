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


def _login_behind_proxy(client: Client, username: str, password: str, forwarded_for: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.9.9.9",  # the load balancer
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _behind_one_proxy(settings) -> None:
    # What config/settings/production.py derives from TRUSTED_PROXY_COUNT=1.
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def test_admin_lockout_is_not_dodged_by_prepending_fake_forwarded_for_addresses(db, settings):
    _behind_one_proxy(settings)
    _staff("operator")
    client = Client()

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login_behind_proxy(client, "operator", "wrong", f"203.0.113.{attempt}, 198.51.100.7")
    locked = _login_behind_proxy(client, "operator", PASSWORD, "203.0.113.99, 198.51.100.7")

    assert locked.status_code == 429


def test_admin_lockout_of_one_client_does_not_lock_the_operator_out_elsewhere(db, settings):
    _behind_one_proxy(settings)
    _staff("operator")
    client = Client()

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_behind_proxy(client, "operator", "wrong", "198.51.100.7")
    attacker = _login_behind_proxy(client, "operator", PASSWORD, "198.51.100.7")
    operator = _login_behind_proxy(Client(), "operator", PASSWORD, "192.0.2.44")

    assert attacker.status_code == 429
    assert operator.status_code == 302
