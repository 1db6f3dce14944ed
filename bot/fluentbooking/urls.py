"""Where the API lives, from whatever FLUENTBOOKING_URL the user gave.

Accepted forms:

* a site root, ``https://example.com`` (or a WordPress in a sub-folder,
  ``https://example.com/blog``): the API is at ``{root}/wp-json/fluent-booking/v2``. In
  ``auto`` style, if that answers a 404 that is not JSON (a site without pretty
  permalinks), the client switches to ``?rest_route=`` for the rest of its life.
* a full API base ending in ``/fluent-booking/v2`` (``.../wp-json/fluent-booking/v2``).
* a plain-permalink site, ``https://example.com/?rest_route=/`` or
  ``https://example.com/index.php?rest_route=/fluent-booking/v2``: every request goes
  to that page with ``rest_route=/fluent-booking/v2/...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit, urlunsplit

API_PREFIX = "/fluent-booking/v2"
Style = Literal["auto", "pretty", "plain"]


@dataclass
class ApiLocation:
    site: str  # where plain-style requests go (site root or index.php)
    base: str  # pretty-style API base, no trailing slash
    style: Style  # auto: pretty, may switch to plain once

    def request_target(self, path: str) -> tuple[str, list[tuple[str, str]]]:
        """URL and leading query parameters for an API path like '/calendars'."""
        if self.style == "plain":
            return self.site, [("rest_route", API_PREFIX + path)]
        return self.base + path, []


def locate_api(url: str, style: Style = "auto") -> ApiLocation:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("FLUENTBOOKING_URL must be an http(s) URL such as https://example.com")
    if parts.username or parts.password:
        # never echo the URL: it holds a credential
        raise ValueError(
            "FLUENTBOOKING_URL must not contain a user name or password; use "
            "FLUENTBOOKING_USERNAME and FLUENTBOOKING_APP_PASSWORD"
        )
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    if ":" in parts.hostname:  # IPv6 literal
        netloc = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    path = parts.path
    query = parse_qs(parts.query)
    if "rest_route" in query:
        site = urlunsplit((parts.scheme, netloc, path or "/", "", ""))
        return ApiLocation(
            site=site,
            base=site.rstrip("/") + "/wp-json" + API_PREFIX,
            style="plain" if style == "auto" else style,
        )
    path = path.rstrip("/")
    if API_PREFIX in path:
        base_path = path[: path.index(API_PREFIX) + len(API_PREFIX)]
        root_path = base_path[: -len(API_PREFIX)]
        if root_path.endswith("/wp-json"):
            root_path = root_path[: -len("/wp-json")]
        base = urlunsplit((parts.scheme, netloc, base_path, "", ""))
        site = urlunsplit((parts.scheme, netloc, (root_path or "") + "/", "", ""))
        return ApiLocation(site=site, base=base, style="pretty" if style == "auto" else style)
    if path.endswith("/wp-json"):
        path = path[: -len("/wp-json")]
    site = urlunsplit((parts.scheme, netloc, path + "/", "", ""))
    base = urlunsplit((parts.scheme, netloc, path + "/wp-json" + API_PREFIX, "", ""))
    return ApiLocation(site=site, base=base, style=style)
