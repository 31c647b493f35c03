from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.v1_promotion_codes_list_response_200 import V1PromotionCodesListResponse200
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    active: bool | None | Unset = UNSET,
    code: str | Unset = UNSET,
    coupon: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

    params["code"] = code

    params["coupon"] = coupon

    params["limit"] = limit

    params["starting_after"] = starting_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/promotion-codes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | V1PromotionCodesListResponse200 | None:
    if response.status_code == 200:
        response_200 = V1PromotionCodesListResponse200.from_dict(response.json())

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
) -> Response[Error | V1PromotionCodesListResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    active: bool | None | Unset = UNSET,
    code: str | Unset = UNSET,
    coupon: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
) -> Response[Error | V1PromotionCodesListResponse200]:
    """List promotion codes

    Args:
        active (bool | None | Unset):
        code (str | Unset):
        coupon (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | V1PromotionCodesListResponse200]
    """

    kwargs = _get_kwargs(
        active=active,
        code=code,
        coupon=coupon,
        limit=limit,
        starting_after=starting_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    active: bool | None | Unset = UNSET,
    code: str | Unset = UNSET,
    coupon: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
) -> Error | V1PromotionCodesListResponse200 | None:
    """List promotion codes

    Args:
        active (bool | None | Unset):
        code (str | Unset):
        coupon (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | V1PromotionCodesListResponse200
    """

    return sync_detailed(
        client=client,
        active=active,
        code=code,
        coupon=coupon,
        limit=limit,
        starting_after=starting_after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    active: bool | None | Unset = UNSET,
    code: str | Unset = UNSET,
    coupon: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
) -> Response[Error | V1PromotionCodesListResponse200]:
    """List promotion codes

    Args:
        active (bool | None | Unset):
        code (str | Unset):
        coupon (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | V1PromotionCodesListResponse200]
    """

    kwargs = _get_kwargs(
        active=active,
        code=code,
        coupon=coupon,
        limit=limit,
        starting_after=starting_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    active: bool | None | Unset = UNSET,
    code: str | Unset = UNSET,
    coupon: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
) -> Error | V1PromotionCodesListResponse200 | None:
    """List promotion codes

    Args:
        active (bool | None | Unset):
        code (str | Unset):
        coupon (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | V1PromotionCodesListResponse200
    """

    return (
        await asyncio_detailed(
            client=client,
            active=active,
            code=code,
            coupon=coupon,
            limit=limit,
            starting_after=starting_after,
        )
    ).parsed
