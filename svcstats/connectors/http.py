"""An HTTP client for help-desk APIs: JSON in and out, bearer token, retries, errors users can act on.

Retries (through tenacity): 429 waits the `Retry-After` the server asks for (else backs off),
5xx and connection failures back off exponentially; the total time spent waiting is bounded
(`max_wait`), after which the pull fails with a SourceError (it can be resumed later). 401 and
403 become an AuthError naming the token variable, and for 403 the missing scope. A daily limit
(a 429 the connector recognises as such) fails at once: waiting for it would take hours.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity

from svcstats.errors import AuthError, SourceError

MAX_ATTEMPTS = 8  # tries of one request, the first included
FIRST_CONNECT_ATTEMPTS = 3  # tries when the API has never answered (a mistyped --api-url, no network)
MAX_WAIT = 300.0  # seconds slept in retries of one request, at most
BACKOFF_BASE = 1.0  # first back-off, doubled at each retry (1, 2, 4, 8 ... s)
BACKOFF_CAP = 60.0
TIMEOUT = 60.0


class Retryable(Exception):
    """A failed attempt worth repeating: 429, 5xx or a connection failure; `retry_after` is the
    server's own wait in seconds, when it gave one."""

    def __init__(self, what: str, retry_after: float | None = None, *, unreachable: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after
        self.unreachable = unreachable  # no connection could be made


@dataclass
class Api:
    """Where a help desk's API is, and how to read its refusals.

    `name` names the help desk in messages; `token_env` the variable the token came from;
    `daily_limit(response)` tells a daily-limit 429 apart from a short burst limit;
    `missing_scopes(response)` reads the scopes a 403 says are missing."""

    name: str
    base_url: str
    token_env: str
    daily_limit: Callable[[httpx.Response], bool] = lambda response: False
    missing_scopes: Callable[[httpx.Response], list[str]] = lambda response: []


@dataclass
class Client:
    """JSON requests to one API with a bearer token, retried as the module says.

    `sleep` is what waits between attempts (default time.sleep; tests pass a recorder);
    `backoff_base` the first back-off (default the module's BACKOFF_BASE, read at each retry);
    `transport` an httpx transport."""

    api: Api
    token: str
    sleep: Callable[[float], None] | None = None
    max_attempts: int = MAX_ATTEMPTS
    max_wait: float = MAX_WAIT
    backoff_base: float | None = None
    transport: httpx.BaseTransport | None = None
    requests: int = 0  # HTTP requests sent, retries included
    waited: float = 0.0  # seconds slept in retries
    answered: bool = False  # whether the API has answered once in this run
    _http: httpx.Client | None = field(default=None, repr=False)

    def get(self, path: str, params: dict[str, Any] | None = None, *, scope: str | None = None) -> dict[str, Any]:
        """GET `path` (relative to the API's base) and return its JSON object."""
        return self._request("GET", path, params=params, scope=scope)

    def post(self, path: str, body: dict[str, Any], *, scope: str | None = None) -> dict[str, Any]:
        """POST a JSON `body` to `path` and return the JSON object answered."""
        return self._request("POST", path, json=body, scope=scope)

    def close(self) -> None:
        """Close the connections."""
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- internals -------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """The headers that carry the token (a bearer token here; connectors override)."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def http(self) -> httpx.Client:
        """The httpx client (opened on first use)."""
        if self._http is None:
            self._http = httpx.Client(
                base_url=self.api.base_url.rstrip("/"),
                headers={**self.auth_headers(), "Accept": "application/json"},
                timeout=TIMEOUT,
                transport=self.transport,
            )
        return self._http

    def _request(self, method: str, path: str, *, scope: str | None, **kwargs: Any) -> dict[str, Any]:
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Retryable),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response = retrying(self._attempt, method, path, **kwargs)
        except Retryable as exc:
            if exc.unreachable and not self.answered:
                raise SourceError(
                    f"{self.api.name} API: cannot connect to {self.api.base_url} ({exc.what})",
                    "check --api-url and the network; the pull resumes where it stopped when run again",
                ) from None
            raise SourceError(
                f"{self.api.name} API: {method} {path} still failing after {self.requests_for_message()} ({exc.what})",
                "run the same command again later: the pull resumes where it stopped",
            ) from None
        self._refused(response, method, path, scope)
        try:
            payload = response.json()
        except ValueError:
            raise self.malformed(method, path, "the answer is not JSON") from None
        if not isinstance(payload, dict):
            raise self.malformed(method, path, "the answer is not a JSON object")
        return payload

    def malformed(self, method: str, path: str, what: str) -> SourceError:
        """The error for an answer that is not the documented shape."""
        return SourceError(
            f"{self.api.name} API: {method} {path}: {what}",
            "run again later; if it persists, check --api-url points at the API (a proxy may answer instead)",
        )

    def requests_for_message(self) -> str:
        """How much was tried, for a message: requests sent and seconds waited."""
        return f"{self.requests} requests and {self.waited:.0f} s of waiting"

    def _attempt(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.requests += 1
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.ConnectError as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}", unreachable=True) from None
        except httpx.TransportError as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}") from None
        self.answered = True
        if response.status_code == 429:
            if self.api.daily_limit(response):
                raise SourceError(
                    f"{self.api.name} API: the account's daily API limit is used up ({method} {path} answered 429)",
                    "run the same command again after midnight in the account's time zone: the pull resumes where it stopped",
                )
            raise Retryable("429 Too Many Requests", _retry_after(response))
        if response.status_code >= 500:
            raise Retryable(f"{response.status_code} {response.reason_phrase}", _retry_after(response))
        return response

    def _refused(self, response: httpx.Response, method: str, path: str, scope: str | None) -> None:
        """Raise for an answer that is not a success: 401/403 as AuthError, others as SourceError."""
        status = response.status_code
        if status == 401:
            raise AuthError(
                f"{self.api.name} API refused the access token in ${self.api.token_env} (401 Unauthorized)",
                f"set {self.api.token_env} to a valid, unexpired token",
            )
        if status == 403:
            scopes = self.api.missing_scopes(response) or ([scope] if scope else [])
            needed = f" lacks the scope {' or '.join(scopes)}" if scopes else " is not allowed"
            raise AuthError(
                f"{self.api.name} API: the token in ${self.api.token_env}{needed} ({method} {path} answered 403 Forbidden)",
                "grant the scope to the app in the help desk's settings, or leave the table out with --tables",
            )
        if status >= 400:
            raise SourceError(
                f"{self.api.name} API: {method} {path} answered {status} {response.reason_phrase}: {_message(response)}",
                "check --api-url and the options; run with --debug for details",
            )

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, Retryable) else None
        base = BACKOFF_BASE if self.backoff_base is None else self.backoff_base
        backoff = min(base * 2 ** (state.attempt_number - 1), BACKOFF_CAP)
        return max(0.0, asked if asked is not None else backoff)

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        # an API that never answered is most likely a wrong address: give up in seconds, not minutes
        attempts = FIRST_CONNECT_ATTEMPTS if isinstance(exc, Retryable) and exc.unreachable and not self.answered else self.max_attempts
        return state.attempt_number >= attempts or self.waited + self._wait(state) > self.max_wait

    def _sleep(self, seconds: float) -> None:
        self.waited += seconds
        (self.sleep or time.sleep)(seconds)


def _retry_after(response: httpx.Response) -> float | None:
    """The `Retry-After` header in seconds (a number; an HTTP date is read as "back off")."""
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    """The error message in a JSON error answer, else the start of its text."""
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200].strip() or "(empty answer)"
    message = payload.get("message") if isinstance(payload, dict) else None
    if isinstance(message, str):
        return message
    return str(payload)[:200]
