"""One small HTTP client for the live sources: timeouts, bounded retries, a per-host courtesy gap.

Built on the standard library (urllib, so vcrpy cassettes replay it in tests). Connection errors,
timeouts, HTTP 429 and 5xx are retried with tenacity, waiting what the server asked for
(Retry-After) or else backing off with jitter; after the last attempt a `SourceFetchError` with a
one-line message is raised. Other HTTP errors (e.g. 400, 404) are not retried: they raise
`HttpStatusError`, which keeps the status and body so a source can explain the failure.
`sleep` and `clock` are injectable, so tests check waits without waiting.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base

from paperbrief import __version__, deadline
from paperbrief.deadline_net import opener
from paperbrief.errors import PaperbriefError, UsageError
from paperbrief.retrying import retry_after_seconds, wait_server_or_backoff

PROJECT_URL = (
    "https://github.com/paperbrief/paperbrief"  # placeholder until the repository is public
)
USER_AGENT = f"paperbrief/{__version__} (+{PROJECT_URL})"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_ATTEMPTS = 4
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_URL_IN_MESSAGE = 160


class SourceFetchError(PaperbriefError):
    """A live source could not be fetched (after retries, or with a non-retryable HTTP status)."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        self.url = url
        self.status = status


class HttpStatusError(SourceFetchError):
    """The server answered with an HTTP error that retrying will not fix."""

    def __init__(
        self, message: str, *, url: str, status: int, body: str, headers: Mapping[str, str]
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.body = body
        self.headers = dict(headers)


class _Retryable(Exception):
    """A failed attempt worth another try; `retry_after` is the server's requested wait."""

    def __init__(
        self, reason: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class Response:
    """A successful (2xx) HTTP response, body decoded to text."""

    url: str
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def build_url(url: str, params: Mapping[str, object] | None = None) -> str:
    """`url` with `params` appended as a query string (None values left out)."""
    if not params:
        return url
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def short_url(url: str) -> str:
    """`url` cut to a length that fits in a one-line message."""
    if len(url) <= _MAX_URL_IN_MESSAGE:
        return url
    return url[: _MAX_URL_IN_MESSAGE - 1] + "…"


def _decode(raw: bytes, content_type: str | None) -> str:
    charset = "utf-8"
    if content_type and "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip().strip('"') or charset
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


class HttpClient:
    """GET with timeouts, bounded retries and an optional minimum gap between requests to a host."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wait: wait_base | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.sleep = sleep
        self.clock = clock
        self.wait = wait or wait_server_or_backoff(initial=1.0, maximum=30.0, jitter=1.0)
        self.user_agent = user_agent
        self.requested: list[str] = []  # every URL sent, in order (what a test or log may show)
        self._last_request: dict[str, float] = {}
        self._opener = opener()  # its connections watched by the fetch's deadline

    def get(
        self,
        url: str,
        params: Mapping[str, object] | None = None,
        *,
        min_interval: float = 0.0,
        accept: str = "*/*",
    ) -> Response:
        """GET `url`, retrying transient failures, spacing calls to a host by `min_interval` s."""
        full = build_url(url, params)
        parts = urllib.parse.urlsplit(full)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"invalid URL {short_url(full)!r}: expected http(s)://host/… "
                "(check HF_ENDPOINT / PAPERBRIEF_ARXIV_API)"
            )
        # the fetch, its retries and their waits included, is one exchange with a deadline
        guard = deadline.start(f"fetch of {short_url(full)}")
        try:
            with deadline.active(guard):
                return self._retrying(guard)(self._attempt, full, min_interval, accept, guard)
        except (_Retryable, deadline.DeadlineExceeded) as exc:
            if guard.passed():
                reason = guard.reason()
                raise SourceFetchError(
                    f"could not fetch {short_url(full)}: {reason}", url=full
                ) from None
            assert isinstance(exc, _Retryable)
            n = self.attempts
            tries = f"{n} attempt" + ("s" if n != 1 else "")
            raise SourceFetchError(
                f"could not fetch {short_url(full)}: {exc.reason} (gave up after {tries})",
                url=full,
                status=exc.status,
            ) from None
        finally:
            deadline.finish(guard)

    def _retrying(self, guard: deadline.Guard) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.attempts) | (lambda _state: guard.passed()),
            wait=self.wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=lambda seconds: self.sleep(min(seconds, guard.remaining())),
            reraise=True,
        )

    def _throttle(self, host: str, min_interval: float) -> None:
        last = self._last_request.get(host)
        if min_interval > 0 and last is not None:
            gap = min_interval - (self.clock() - last)
            if gap > 0:
                self.sleep(gap)

    def _attempt(
        self, url: str, min_interval: float, accept: str, guard: deadline.Guard
    ) -> Response:
        host = urllib.parse.urlsplit(url).netloc
        self._throttle(host, min_interval)
        guard.check()
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": accept}, method="GET"
        )
        self.requested.append(url)
        try:
            with self._opener.open(request, timeout=self.timeout) as reply:
                raw = reply.read()
                headers = {k.lower(): v for k, v in reply.headers.items()}
                status = reply.status
        except urllib.error.HTTPError as err:
            headers = {k.lower(): v for k, v in (err.headers or {}).items()}
            body = _decode(err.read() or b"", headers.get("content-type"))
            reason = f"HTTP {err.code} {err.reason}".strip()
            if err.code in RETRY_STATUSES or err.code >= 500:
                raise _Retryable(reason, retry_after_seconds(headers), err.code) from None
            raise HttpStatusError(
                f"{short_url(url)} answered {reason}",
                url=url,
                status=err.code,
                body=body,
                headers=headers,
            ) from None
        except TimeoutError as err:
            raise _Retryable(f"timed out after {self.timeout:g} s ({err or 'no answer'})") from None
        except urllib.error.URLError as err:
            raise _Retryable(f"connection failed ({err.reason})") from None
        except (ConnectionError, http.client.HTTPException, OSError) as err:
            raise _Retryable(f"connection failed ({type(err).__name__}: {err})") from None
        finally:
            self._last_request[host] = self.clock()
        guard.check()  # a connection shut at the deadline may look like a short, whole answer
        return Response(
            url=url, status=status, text=_decode(raw, headers.get("content-type")), headers=headers
        )
