import pytest

from billing.providers.base import ProviderUnavailableError
from billing.providers.paypal import amount_from_paypal, amount_to_paypal


@pytest.mark.parametrize(
    ("amount_minor", "currency", "value"),
    [
        (1050, "usd", "10.50"),
        (5, "eur", "0.05"),
        (0, "gbp", "0.00"),
        (123456789, "usd", "1234567.89"),
        (500, "jpy", "500"),
        (1200, "huf", "1200"),
        (99, "twd", "99"),
    ],
)
def test_minor_units_and_paypal_decimal_strings_convert_both_ways_per_currency_exponent(
    amount_minor, currency, value
):
    assert amount_to_paypal(amount_minor, currency) == value
    assert amount_from_paypal(value, currency.upper()) == amount_minor


def test_a_paypal_value_finer_than_the_currency_unit_is_refused():
    with pytest.raises(ProviderUnavailableError):
        amount_from_paypal("10.5", "JPY")
    assert amount_from_paypal("10.5", "USD") == 1050
