from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credit_grant_create_input_request import CreditGrantCreateInputRequest
from ...models.credit_grant_output import CreditGrantOutput
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    body: CreditGrantCreateInputRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/customers/{id}/credit-grants".format(
            id=quote(str(id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreditGrantOutput | Error | None:
    if response.status_code == 201:
        response_201 = CreditGrantOutput.from_dict(response.json())

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
) -> Response[CreditGrantOutput | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: CreditGrantCreateInputRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreditGrantOutput | Error]:
    """Grant a customer prepaid credits, in money or in units of a metric

     Invoices consume them at finalization before charging the card, in `priority` order (0 first), then
    the earliest to expire; metered prices only (a base price is always charged). Money: `amount` +
    `currency`. Units: `units` + `metric`, held as money on the metric's metered price of the customer's
    current plan (units times its unit price, a whole number of minor units; not a tiered price), so
    they cover its first `units` units of overage. Audited CREATE_CREDIT_GRANT.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (CreditGrantCreateInputRequest | Unset): Base for request bodies: unknown fields are
            an error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditGrantOutput | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: CreditGrantCreateInputRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> CreditGrantOutput | Error | None:
    """Grant a customer prepaid credits, in money or in units of a metric

     Invoices consume them at finalization before charging the card, in `priority` order (0 first), then
    the earliest to expire; metered prices only (a base price is always charged). Money: `amount` +
    `currency`. Units: `units` + `metric`, held as money on the metric's metered price of the customer's
    current plan (units times its unit price, a whole number of minor units; not a tiered price), so
    they cover its first `units` units of overage. Audited CREATE_CREDIT_GRANT.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (CreditGrantCreateInputRequest | Unset): Base for request bodies: unknown fields are
            an error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditGrantOutput | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: CreditGrantCreateInputRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreditGrantOutput | Error]:
    """Grant a customer prepaid credits, in money or in units of a metric

     Invoices consume them at finalization before charging the card, in `priority` order (0 first), then
    the earliest to expire; metered prices only (a base price is always charged). Money: `amount` +
    `currency`. Units: `units` + `metric`, held as money on the metric's metered price of the customer's
    current plan (units times its unit price, a whole number of minor units; not a tiered price), so
    they cover its first `units` units of overage. Audited CREATE_CREDIT_GRANT.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (CreditGrantCreateInputRequest | Unset): Base for request bodies: unknown fields are
            an error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditGrantOutput | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: CreditGrantCreateInputRequest | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> CreditGrantOutput | Error | None:
    """Grant a customer prepaid credits, in money or in units of a metric

     Invoices consume them at finalization before charging the card, in `priority` order (0 first), then
    the earliest to expire; metered prices only (a base price is always charged). Money: `amount` +
    `currency`. Units: `units` + `metric`, held as money on the metric's metered price of the customer's
    current plan (units times its unit price, a whole number of minor units; not a tiered price), so
    they cover its first `units` units of overage. Audited CREATE_CREDIT_GRANT.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (CreditGrantCreateInputRequest | Unset): Base for request bodies: unknown fields are
            an error, not silently dropped.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditGrantOutput | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
