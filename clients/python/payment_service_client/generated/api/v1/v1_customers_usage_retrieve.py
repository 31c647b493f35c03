import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.customer_usage_output import CustomerUsageOutput
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    from_: datetime.datetime | Unset = UNSET,
    metric: str | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    params["metric"] = metric

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/customers/{id}/usage".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CustomerUsageOutput | Error | None:
    if response.status_code == 200:
        response_200 = CustomerUsageOutput.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[CustomerUsageOutput | Error]:
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
    from_: datetime.datetime | Unset = UNSET,
    metric: str | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> Response[CustomerUsageOutput | Error]:
    """A customer's usage totals

     Read from the per-period rollups. Without from/to: the current billing period (the subscription's,
    else the calendar month in UTC). With from and/or to: every billing period overlapping [from, to),
    each counted whole.

    Args:
        id (str):
        from_ (datetime.datetime | Unset):
        metric (str | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerUsageOutput | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        from_=from_,
        metric=metric,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    metric: str | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> CustomerUsageOutput | Error | None:
    """A customer's usage totals

     Read from the per-period rollups. Without from/to: the current billing period (the subscription's,
    else the calendar month in UTC). With from and/or to: every billing period overlapping [from, to),
    each counted whole.

    Args:
        id (str):
        from_ (datetime.datetime | Unset):
        metric (str | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerUsageOutput | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        from_=from_,
        metric=metric,
        to=to,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    metric: str | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> Response[CustomerUsageOutput | Error]:
    """A customer's usage totals

     Read from the per-period rollups. Without from/to: the current billing period (the subscription's,
    else the calendar month in UTC). With from and/or to: every billing period overlapping [from, to),
    each counted whole.

    Args:
        id (str):
        from_ (datetime.datetime | Unset):
        metric (str | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerUsageOutput | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        from_=from_,
        metric=metric,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime | Unset = UNSET,
    metric: str | Unset = UNSET,
    to: datetime.datetime | Unset = UNSET,
) -> CustomerUsageOutput | Error | None:
    """A customer's usage totals

     Read from the per-period rollups. Without from/to: the current billing period (the subscription's,
    else the calendar month in UTC). With from and/or to: every billing period overlapping [from, to),
    each counted whole.

    Args:
        id (str):
        from_ (datetime.datetime | Unset):
        metric (str | Unset):
        to (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerUsageOutput | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            from_=from_,
            metric=metric,
            to=to,
        )
    ).parsed
