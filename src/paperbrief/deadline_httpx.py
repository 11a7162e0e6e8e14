"""The HTTP client of the OpenAI SDK bounded by overall deadlines (see `paperbrief.deadline`).

Each request is one exchange, from sending it to the last byte of its answer (a streamed answer
included): its connection's reads wait at most what is left of the deadline, and the watchdog
shuts the connection when it passes. The SDK sees an httpx ReadTimeout, which the engines treat
as any timeout (retried, counted by the breaker).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpcore2
import httpx2

from paperbrief import deadline
from paperbrief.deadline import Guard


class _Stream(httpcore2.NetworkStream):
    """A connection whose reads and writes are bounded by the current thread's guard."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def _bound(self, timeout: float | None) -> float | None:
        guard = deadline.current()
        if guard is None:
            return timeout
        guard.watch(self._inner.get_extra_info("socket"))
        if guard.passed():
            raise httpcore2.ReadTimeout(str(guard.error()))
        left = guard.remaining()
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, self._bound(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore2.NetworkStream:
        return _Stream(self._inner.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore2.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTimeout(httpx2.ReadTimeout):
    """A request cut at its overall deadline (or aborted by a stop)."""


def timeout_reason(exc: BaseException, default: str) -> str:
    """Why an SDK timeout happened: the deadline's reason when it was one, else `default`."""
    cause = exc.__cause__
    return str(cause) if isinstance(cause, DeadlineTimeout) else default


def _timeout(guard: Guard, request: httpx2.Request, cause: BaseException) -> httpx2.ReadTimeout:
    error = DeadlineTimeout(guard.reason(), request=request)
    error.__cause__ = cause
    return error


class _Body(httpx2.SyncByteStream):
    """The answer's body, read under the request's guard, which ends when it is closed."""

    def __init__(self, inner: Any, guard: Guard, request: httpx2.Request) -> None:
        self._inner = inner
        self._guard = guard
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._inner)
        while True:
            with deadline.active(self._guard):
                try:
                    if self._guard.passed():
                        raise self._guard.error()
                    chunk = next(chunks)
                except StopIteration:
                    if self._guard.passed():  # shut at the deadline: the end is not the end
                        raise _timeout(self._guard, self._request, self._guard.error()) from None
                    return
                except Exception as exc:
                    if self._guard.passed():
                        raise _timeout(self._guard, self._request, exc) from exc
                    raise
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()
        finally:
            deadline.finish(self._guard)


class DeadlineTransport(httpx2.HTTPTransport):
    """httpx's transport with every request bounded by an overall deadline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = self._pool
        backend = getattr(pool, "_network_backend", None)
        if backend is not None:  # httpcore's connection pool (not a proxy's): watch its sockets
            pool._network_backend = _Backend(backend)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        guard = deadline.start(f"{request.method} {request.url.host}{request.url.path}")
        try:
            with deadline.active(guard):
                guard.check()
                response = super().handle_request(request)
        except Exception as exc:
            deadline.finish(guard)
            if guard.passed():
                raise _timeout(guard, request, exc) from exc
            raise
        response.stream = _Body(response.stream, guard, request)
        return response


def transport() -> DeadlineTransport:
    """The transport for the OpenAI SDK's client, with the SDK's own connection limits."""
    limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
    return DeadlineTransport(limits=limits)
