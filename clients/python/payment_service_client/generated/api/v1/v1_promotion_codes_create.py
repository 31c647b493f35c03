from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.promotion_code_create_input_request import PromotionCodeCreateInputRequest
from ...models.promotion_code_output import PromotionCodeOutput
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PromotionCodeCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/promotion-codes",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | PromotionCodeOutput | None:
    if response.status_code == 201:
        response_201 = PromotionCodeOutput.from_dict(response.json())

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
) -> Response[Error | PromotionCodeOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PromotionCodeCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | PromotionCodeOutput]:
    """Create a promotion code

     `code` is unique (any case) among the app's active codes (409 `promotion_code_taken`). Redeeming it
    past `max_redemptions`, `max_redemptions_per_customer`, `expires_at`, inactive or by another
    customer than `customer` answers 400 with a code saying which.

    Args:
        idempotency_key (str | Unset):
        body (PromotionCodeCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PromotionCodeOutput]
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
    body: PromotionCodeCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | PromotionCodeOutput | None:
    """Create a promotion code

     `code` is unique (any case) among the app's active codes (409 `promotion_code_taken`). Redeeming it
    past `max_redemptions`, `max_redemptions_per_customer`, `expires_at`, inactive or by another
    customer than `customer` answers 400 with a code saying which.

    Args:
        idempotency_key (str | Unset):
        body (PromotionCodeCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PromotionCodeOutput
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PromotionCodeCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | PromotionCodeOutput]:
    """Create a promotion code

     `code` is unique (any case) among the app's active codes (409 `promotion_code_taken`). Redeeming it
    past `max_redemptions`, `max_redemptions_per_customer`, `expires_at`, inactive or by another
    customer than `customer` answers 400 with a code saying which.

    Args:
        idempotency_key (str | Unset):
        body (PromotionCodeCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PromotionCodeOutput]
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
    body: PromotionCodeCreateInputRequest,
    idempotency_key: str | Unset = UNSET,
) -> Error | PromotionCodeOutput | None:
    """Create a promotion code

     `code` is unique (any case) among the app's active codes (409 `promotion_code_taken`). Redeeming it
    past `max_redemptions`, `max_redemptions_per_customer`, `expires_at`, inactive or by another
    customer than `customer` answers 400 with a code saying which.

    Args:
        idempotency_key (str | Unset):
        body (PromotionCodeCreateInputRequest): Base for request bodies: unknown fields are an
            error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PromotionCodeOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
