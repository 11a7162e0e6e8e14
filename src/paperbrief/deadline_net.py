"""The standard library's network clients (urllib, smtplib) bounded by overall deadlines.

`opener()` is a urllib opener whose connections are watched by the current thread's guard (see
`paperbrief.deadline`); `SMTP` and `SMTP_SSL` are smtplib's clients whose whole session is one
exchange with its own guard: a greeting sent one byte at a time or endless `250-` lines end with
DeadlineExceeded (a TimeoutError) once the deadline has passed.
"""

from __future__ import annotations

import http.client
import smtplib
import socket
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from paperbrief import deadline
from paperbrief.deadline import Guard

T = TypeVar("T")


def _watched(http_class: Callable[..., http.client.HTTPConnection]) -> Callable[..., Any]:
    """A factory of `http_class` connections whose socket the current guard watches. (The
    class is the one urllib looks up at call time, so a cassette's patched class still works.)"""

    def make(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        conn = http_class(host, **kwargs)
        create = getattr(conn, "_create_connection", None)
        if create is not None:  # watched from the start: a TLS handshake is inside the deadline

            def create_watched(*args: Any, **kw: Any) -> socket.socket:
                sock = create(*args, **kw)
                if isinstance(sock, socket.socket):
                    deadline.watch(sock)
                return sock

            conn._create_connection = create_watched  # type: ignore[attr-defined]
            return conn
        connect = conn.connect  # (an http.client without that hook: watched once connected)

        def connect_watched() -> None:
            connect()
            sock = getattr(conn, "sock", None)
            if isinstance(sock, socket.socket):
                deadline.watch(sock)

        conn.connect = connect_watched  # type: ignore[method-assign]
        return conn

    return make


class _HTTPHandler(urllib.request.HTTPHandler):
    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class), req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class), req, **kwargs)


def opener() -> urllib.request.OpenerDirector:
    """urllib's default opener, its HTTP(S) connections watched by the current guard."""
    return urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)


class _Guarded:
    """The SMTP session as one exchange: its guard starts with the connection."""

    _guard: Guard | None = None

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        if self._guard is None:
            self._guard = deadline.start(f"SMTP exchange with {host}:{port}")
        return self._bounded(super()._get_socket, host, port, timeout)  # type: ignore[misc]

    def _bounded(self, step: Callable[..., T], *args: Any) -> T:
        guard = self._guard
        if guard is not None:
            guard.check()
        try:
            return step(*args)
        except Exception as exc:
            if guard is not None and guard.passed():
                raise guard.error() from exc
            raise

    def getreply(self) -> tuple[int, bytes]:
        return self._bounded(super().getreply)  # type: ignore[misc]

    def send(self, s: bytes | str) -> None:
        self._bounded(super().send, s)  # type: ignore[misc]

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            if self._guard is not None:
                deadline.finish(self._guard)


class _Raw(smtplib.SMTP):
    """The TCP connection, watched before anything is read from it (a TLS handshake too)."""

    _guard: Guard | None = None

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)
        if self._guard is not None:
            self._guard.watch(sock)
        return sock


class SMTP(_Guarded, _Raw):
    """smtplib.SMTP with an overall deadline on the session."""


class SMTP_SSL(_Guarded, smtplib.SMTP_SSL, _Raw):  # noqa: N801 (smtplib's name)
    """smtplib.SMTP_SSL with an overall deadline on the session (its handshake included)."""
