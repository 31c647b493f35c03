"""Whether the app's payment provider can serve a request: each provider class declares its
`capabilities` (billing/providers/base.py's `Capability`), and every service asks here, before
anything is written or sent, so a request the provider cannot serve answers 400
`provider_capability_unsupported` naming the capability."""

from typing import TYPE_CHECKING

from api.errors import InvalidRequestError
from billing.providers.base import Capability
from billing.providers.errors import ProviderErrorCode
from billing.providers.registry import provider_for

if TYPE_CHECKING:
    from tenants.models import App


def provider_has_capability(*, app: "App", capability: Capability) -> bool:
    return capability in provider_for(app=app).capabilities


def plan_capabilities_check(*, app: "App", base: bool, metered: bool) -> None:
    """A plan is billed as a subscription; metered prices need metered usage, and both kinds
    of price together a hybrid plan."""
    if metered:
        capability_supported_check(app=app, capability=Capability.METERED_USAGE, param="metered")
        if base:
            capability_supported_check(app=app, capability=Capability.HYBRID_PLANS, param="metered")
    capability_supported_check(app=app, capability=Capability.SUBSCRIPTIONS, param=None)


def capability_supported_check(*, app: "App", capability: Capability, param: str | None) -> None:
    provider = provider_for(app=app)
    if capability not in provider.capabilities:
        raise InvalidRequestError(
            f"The app's payment provider ({provider.name}) does not support {capability}.",
            code=ProviderErrorCode.PROVIDER_CAPABILITY_UNSUPPORTED,
            param=param,
        )
