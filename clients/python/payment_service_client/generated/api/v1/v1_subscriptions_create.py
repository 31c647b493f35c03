from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.subscription_create_input_request import SubscriptionCreateInputRequest
from ...models.subscription_output import SubscriptionOutput
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SubscriptionCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/subscriptions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SubscriptionOutput | None:
    if response.status_code == 201:
        response_201 = SubscriptionOutput.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = Error.from_dict(response.json())

        return response_405

    if response.status_code == 406:
        response_406 = Error.from_dict(response.json())

        return response_406

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = Error.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | SubscriptionOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | SubscriptionOutput]:
    """Subscribes a customer to a plan's current version. The provider's answer decides the status
    (`trialing`, `active`, or `incomplete` when the first payment did not go through). A provider outage
    answers 502 and leaves the subscription pending: a retry with the same Idempotency-Key, or the retry
    job, completes it. Unless the app allows several (`allow_multiple_subscriptions` on `GET /v1/app`),
    a customer who already has a live subscription (any status but `canceled` and `incomplete_expired`)
    answers 409 `customer_has_subscription`, with that subscription's id in the error's `subscription`.
    Where the customer approves each subscription on the provider's page (PayPal), `return_url` is
    required and the subscription answers `incomplete` with `approval_url` until they have.

    Args:
        idempotency_key (str | Unset):
        body (SubscriptionCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SubscriptionOutput]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | SubscriptionOutput | None:
    """Subscribes a customer to a plan's current version. The provider's answer decides the status
    (`trialing`, `active`, or `incomplete` when the first payment did not go through). A provider outage
    answers 502 and leaves the subscription pending: a retry with the same Idempotency-Key, or the retry
    job, completes it. Unless the app allows several (`allow_multiple_subscriptions` on `GET /v1/app`),
    a customer who already has a live subscription (any status but `canceled` and `incomplete_expired`)
    answers 409 `customer_has_subscription`, with that subscription's id in the error's `subscription`.
    Where the customer approves each subscription on the provider's page (PayPal), `return_url` is
    required and the subscription answers `incomplete` with `approval_url` until they have.

    Args:
        idempotency_key (str | Unset):
        body (SubscriptionCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SubscriptionOutput
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | SubscriptionOutput]:
    """Subscribes a customer to a plan's current version. The provider's answer decides the status
    (`trialing`, `active`, or `incomplete` when the first payment did not go through). A provider outage
    answers 502 and leaves the subscription pending: a retry with the same Idempotency-Key, or the retry
    job, completes it. Unless the app allows several (`allow_multiple_subscriptions` on `GET /v1/app`),
    a customer who already has a live subscription (any status but `canceled` and `incomplete_expired`)
    answers 409 `customer_has_subscription`, with that subscription's id in the error's `subscription`.
    Where the customer approves each subscription on the provider's page (PayPal), `return_url` is
    required and the subscription answers `incomplete` with `approval_url` until they have.

    Args:
        idempotency_key (str | Unset):
        body (SubscriptionCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SubscriptionOutput]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | SubscriptionOutput | None:
    """Subscribes a customer to a plan's current version. The provider's answer decides the status
    (`trialing`, `active`, or `incomplete` when the first payment did not go through). A provider outage
    answers 502 and leaves the subscription pending: a retry with the same Idempotency-Key, or the retry
    job, completes it. Unless the app allows several (`allow_multiple_subscriptions` on `GET /v1/app`),
    a customer who already has a live subscription (any status but `canceled` and `incomplete_expired`)
    answers 409 `customer_has_subscription`, with that subscription's id in the error's `subscription`.
    Where the customer approves each subscription on the provider's page (PayPal), `return_url` is
    required and the subscription answers `incomplete` with `approval_url` until they have.

    Args:
        idempotency_key (str | Unset):
        body (SubscriptionCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SubscriptionOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
