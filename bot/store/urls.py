"""Reading DATABASE_URL: which backend, where, and how to show it without the password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from bot.store.base import StoreError

_SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_MASK = "****"


def mask_url(url: str) -> str:
    """The URL with any password (in the user part or a `password=` parameter) masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:{_MASK}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() == "password" for k, _ in pairs):
            query = urlencode([(k, _MASK if k.lower() == "password" else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_password(url: str) -> str | None:
    """The password carried by the URL, if any (used only to scrub error texts)."""
    try:
        parts = urlsplit(url)
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key.lower() == "password" and value:
                return value
        return unquote(parts.password) if parts.password else None
    except ValueError:
        return None


def scrub(text: str, url: str) -> str:
    """`text` with the URL's password (raw and percent-decoded) replaced by a mask."""
    password = url_password(url)
    if password:
        text = text.replace(password, _MASK)
        raw = urlsplit(url).password
        if raw:
            text = text.replace(raw, _MASK)
    return text


def check_schema_name(schema: str) -> str:
    if not _SCHEMA_RE.match(schema):
        raise ValueError(
            f"schema {schema!r} must be letters, digits and underscores, "
            "starting with a letter or underscore (at most 63 characters)"
        )
    return schema


@dataclass(frozen=True)
class SQLiteTarget:
    path: Path | None  # None means an in-memory database

    def location(self) -> str:
        return "SQLite in memory" if self.path is None else f"SQLite file {self.path}"


@dataclass(frozen=True)
class PostgresTarget:
    url: str  # the conninfo URL handed to libpq, unchanged (it may hold a password)
    host: str
    port: int
    dbname: str
    schema: str | None  # from open_store(schema=...) or the URL's search_path option

    def location(self) -> str:
        where = f"PostgreSQL at {self.host}:{self.port}/{self.dbname}"
        return where + (f" (schema {self.schema})" if self.schema else "")


def parse_database_url(url: str, schema: str | None = None) -> SQLiteTarget | PostgresTarget:
    """Classify a DATABASE_URL. Raises StoreError naming DATABASE_URL when it is malformed."""
    if not isinstance(url, str) or not url.strip():
        raise StoreError("DATABASE_URL is empty; use sqlite:///path or postgresql://...")
    url = url.strip()
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite":
        if schema is not None:
            raise StoreError("a schema can only be chosen for a PostgreSQL DATABASE_URL")
        return _parse_sqlite(url)
    if scheme in {"postgres", "postgresql"}:
        return _parse_postgres(url, schema)
    raise StoreError(
        f"DATABASE_URL {mask_url(url)!r} is not supported: "
        "it must start with sqlite:///, postgresql:// or postgres://"
    )


def _parse_sqlite(url: str) -> SQLiteTarget:
    prefix = "sqlite:///"
    if not url.lower().startswith(prefix):
        raise StoreError(
            f"DATABASE_URL {url!r} is not a SQLite URL of the form "
            "sqlite:///relative/path.sqlite3 or sqlite:////absolute/path.sqlite3"
        )
    rest = url[len(prefix) :].split("?", 1)[0]
    if rest in {":memory:", ""}:
        if rest == "":
            raise StoreError(f"DATABASE_URL {url!r} names no file (sqlite:///path.sqlite3)")
        return SQLiteTarget(path=None)
    path = Path(unquote(rest))
    if not path.is_absolute():
        path = Path.cwd() / path
    return SQLiteTarget(path=path)


def _parse_postgres(url: str, schema: str | None) -> PostgresTarget:
    try:
        parts = urlsplit(url)
        port = parts.port or 5432
    except ValueError as exc:
        raise StoreError(f"DATABASE_URL {mask_url(url)!r} is malformed: {exc}") from None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    host = parts.hostname or query.get("host") or "localhost"
    dbname = parts.path.lstrip("/") or query.get("dbname") or (parts.username or "")
    url_schema = _search_path_from_options(query.get("options", ""))
    if schema is not None:
        check_schema_name(schema)
    elif url_schema is not None:
        schema = check_schema_name(url_schema)
    return PostgresTarget(url=url, host=host, port=port, dbname=dbname, schema=schema)


def _search_path_from_options(options: str) -> str | None:
    """The first schema of a `-c search_path=...` (or `-csearch_path=...`) libpq option."""
    match = re.search(r"-c\s*search_path\s*=\s*([^\s,]+)", options)
    return match.group(1).strip('"') if match else None
