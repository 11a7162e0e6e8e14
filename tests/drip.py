"""A drip-feeding server on 127.0.0.1: answers at once with a head, then one piece at a time.

Used to check overall deadlines: each read of a client gets a byte or a line well within any
per-read timeout, and the answer never ends (the server gives up after `lifetime` seconds so that
a client without a deadline cannot hang a test run forever).
"""

from __future__ import annotations

import socket
import threading
import time
from itertools import cycle


class DripServer:
    """`head` at once (after the request's blank line when `http`), then `piece` every `gap` s."""

    def __init__(
        self,
        head: bytes,
        piece: bytes,
        *,
        gap: float = 0.1,
        http: bool = False,
        lifetime: float = 60.0,
        bytewise: bool = True,
    ) -> None:
        self.head, self.piece, self.gap, self.http = head, piece, gap, http
        self.lifetime, self.bytewise = lifetime, bytewise
        self.connections = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> DripServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        end = time.monotonic() + self.lifetime
        try:
            if self.http:
                seen = b""
                while b"\r\n\r\n" not in seen:
                    data = conn.recv(65536)
                    if not data:
                        return
                    seen += data
            conn.sendall(self.head)
            pieces = cycle(self.piece) if self.bytewise else cycle([self.piece])
            for piece in pieces:
                if self._stop.is_set() or time.monotonic() > end:
                    return
                conn.sendall(bytes([piece]) if isinstance(piece, int) else piece)
                time.sleep(self.gap)
        except OSError:
            return  # the client hung up (its deadline passed)
        finally:
            conn.close()
