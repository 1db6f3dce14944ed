"""What the site's answer (or its silence) means: HTTP outcomes -> the error tree.

Pure: takes a status, a body and the request's method and path, returns the
``FluentBookingError`` a caller sees (its ``user_message`` says what to do next, its
``detail`` what happened, for the log). Nothing here sends a request.
"""

from __future__ import annotations

import json
import ssl
from typing import Any
from urllib.parse import urlsplit

import httpx

from .errors import (
    AuthError,
    BadResponseError,
    CreateServerError,
    CreateTimeoutError,
    CreateUnreadableError,
    EventClosedError,
    FluentBookingError,
    NotFoundError,
    ServerError,
    SiteTimeoutError,
    SlotUnavailableError,
    ValidationError,
)
from .models import as_dict, plain_text

BLOCKED_403 = (
    "The booking site refused the request with a web page (403): a firewall or security "
    "plugin may be blocking the REST API. Allow /wp-json/fluent-booking/ (and Application "
    "Passwords) for this user, then try again."
)
EMPTY_OR_ODD = (
    "The booking site's answer was empty or not the API's JSON (is FluentBooking active "
    "there, or is a caching or security plugin altering REST answers?). Check "
    "FLUENTBOOKING_URL and the site's health."
)

MAYBE_SERVER = (
    "The booking site had an internal error while making the booking, so it may or may "
    "not have been made. Check your bookings before trying again."
)


def decode(content: bytes) -> tuple[Any, bool]:
    """(the JSON value, True), or (None, False) when the body is not JSON."""
    try:
        return json.loads(content), True
    except (ValueError, UnicodeDecodeError):
        return None, False


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, str]:
    """{"email": {"email": "msg"}} / {"email": ["msg"]} / {"email": "msg"} -> {"email": "msg"}."""
    fields: dict[str, str] = {}
    for name, value in as_dict(errors).items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            messages = [v for v in value.values() if isinstance(v, str)]
            if messages:
                fields[key] = plain_text("; ".join(messages))
            nested = {k: v for k, v in value.items() if isinstance(v, dict | list)}
            for sub_key, sub_value in flatten_errors(nested, f"{key}.").items():
                fields.setdefault(sub_key, sub_value)
        elif isinstance(value, list):
            fields[key] = plain_text("; ".join(str(v) for v in value))
        elif value is not None:
            fields[key] = plain_text(value)
    return fields


def error_for(
    status: int,
    body: Any,
    is_json: bool,
    content: bytes,
    method: str,
    path: str,
    create: bool,
) -> FluentBookingError:
    """The error for an answer that is not a 2xx JSON object or list."""
    where = f"{method} {path} -> {status}"
    if not is_json or not isinstance(body, dict | list):
        snippet = plain_text(content[:200].decode("utf-8", "replace"))[:120]
        detail = f"{where}: not JSON ({snippet!r})"
        if not content.strip():
            detail = f"{where}: empty body"
        elif is_json:
            detail = f"{where}: JSON {snippet!r} where an object was expected"
        if status == 401:
            return AuthError(detail=detail, status=status)
        if status == 403:
            return AuthError(BLOCKED_403, detail=detail, status=status)
        if status >= 500:
            if create:
                return CreateServerError(MAYBE_SERVER, detail=detail, status=status)
            return ServerError(detail=detail, status=status)
        if create and 200 <= status < 300:
            return CreateUnreadableError(
                "The booking site's answer could not be read, so the booking may or may "
                "not have been made. Check your bookings before trying again.",
                detail=detail,
                status=status,
            )
        if not content.strip() or is_json:
            return BadResponseError(EMPTY_OR_ODD, detail=detail, status=status)
        return BadResponseError(detail=detail, status=status)
    data = as_dict(body)
    message = plain_text(data.get("message")) if isinstance(data.get("message"), str) else ""
    detail = f"{where}: {message or 'no message'}"
    lowered = message.lower()
    if 200 <= status < 300:
        return BadResponseError(
            EMPTY_OR_ODD, detail=f"{where}: unexpected JSON shape", status=status
        )
    if status == 401:
        return AuthError(detail=detail, status=status)
    if status == 403:
        said = f" (the site said: {message})" if message else ""
        return AuthError(
            f"The booking site refused this request for these credentials{said}: the "
            "WordPress user in FLUENTBOOKING_USERNAME may lack access to FluentBooking. "
            "Use an administrator or a calendar host.",
            detail=detail,
            status=status,
        )
    if "time slot is not available" in lowered:
        return SlotUnavailableError(detail=detail, status=status)
    if "not accepting any new bookings" in lowered:
        return EventClosedError(detail=detail, status=status)
    if status == 404:
        return NotFoundError(detail=detail, status=status)
    if status == 429:
        return ServerError(
            "The booking site is limiting requests right now. Try again in a minute.",
            detail=detail,
            status=status,
        )
    if 400 <= status < 500:
        fields = flatten_errors(data.get("errors"))
        if not fields:
            fields = flatten_errors(as_dict(data.get("data")).get("params"))
        return ValidationError(message or None, fields=fields, detail=detail, status=status)
    if create and status >= 500:
        return CreateServerError(MAYBE_SERVER, detail=detail, status=status)
    return ServerError(detail=detail, status=status)


def redirect_error(response: httpx.Response, method: str, path: str) -> FluentBookingError:
    """3xx: never followed (the credentials would go with it); say where and why."""
    target = urlsplit(response.headers.get("location", ""))
    shown = f"{target.scheme}://{target.netloc}{target.path}" if target.netloc else target.path
    detail = f"{method} {path} -> {response.status_code} to {shown or '(no location)'}"
    if "login" in target.path.lower() or "login" in target.query.lower():
        return AuthError(
            f"The booking site sent the API request to a login page ({shown}) instead of "
            "answering it: a security plugin may be blocking the REST API or Application "
            "Passwords. Allow /wp-json/fluent-booking/ for this user, then try again.",
            detail=detail,
            status=response.status_code,
        )
    return BadResponseError(
        f"The booking site redirected the API request to {shown or 'another address'}. "
        "Set FLUENTBOOKING_URL to the site's final address (https, with or without www "
        "as the site uses it).",
        detail=detail,
        status=response.status_code,
    )


def timeout_error(exc: Exception, method: str, path: str, create: bool) -> SiteTimeoutError:
    """No answer in time; for a create, say the booking may or may not exist."""
    kind = "deadline" if isinstance(exc, TimeoutError) else type(exc).__name__
    detail = f"{method} {path}: {kind}"
    if create and not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return CreateTimeoutError(
            "The booking site did not answer in time, so the booking may or may not "
            "have been made. Check your bookings before trying again.",
            detail=detail,
        )
    return SiteTimeoutError(detail=detail)


def connect_error(exc: Exception, method: str, path: str, create: bool) -> SiteTimeoutError:
    """A broken or refused connection (TLS trouble named as such)."""
    detail = f"{method} {path}: {type(exc).__name__}"
    if create and not isinstance(exc, httpx.ConnectError):
        return CreateTimeoutError(
            "The connection to the booking site broke, so the booking may or may not "
            "have been made. Check your bookings before trying again.",
            detail=detail,
        )
    if tls_trouble(exc):
        return SiteTimeoutError(
            "Could not make a secure (HTTPS) connection to the booking site: its "
            "certificate was not accepted. Check that FLUENTBOOKING_URL names the site "
            "as its certificate does and that the certificate is valid.",
            detail=f"{detail} (TLS)",
        )
    return SiteTimeoutError(
        "Could not reach the booking site. Check FLUENTBOOKING_URL and that the site is up.",
        detail=detail,
    )


def tls_trouble(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):  # the chain of causes, bounded
        if seen is None:
            break
        text = str(seen).upper()
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE" in text or "[SSL" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
