"""Whether the app's payment provider charges and prices in a currency: the serializers already
refused what is not ISO 4217 money (api/fields.py), this refuses what the provider lacks, before
anything is stored or sent to it."""

from typing import TYPE_CHECKING

from api.errors import InvalidRequestError
from billing.providers.errors import ProviderErrorCode
from billing.providers.registry import provider_for

if TYPE_CHECKING:
    from tenants.models import App


def currency_supported_check(*, app: "App", currency: str, param: str = "currency") -> None:
    provider = provider_for(app=app)
    if currency not in provider.supported_currencies:
        raise InvalidRequestError(
            f"The payment provider ({provider.name}) does not support the currency {currency}.",
            code=ProviderErrorCode.CURRENCY_UNSUPPORTED,
            param=param,
        )
