"""A TCP proxy in front of the shared PostgreSQL server, to simulate an outage without touching the
server: `cut()` drops every connection and refuses new ones, `stall()` accepts connections and never
answers, `restore()` forwards again on the same port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from tests.support.servers import free_port


class TcpProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._forwarding = True

    def restore(self) -> None:
        """Accept and forward connections again."""
        self._close_listener()
        self._forwarding = True
        self._listen()

    def stall(self) -> None:
        """Accept connections but never forward a byte (a black hole); existing connections are dropped."""
        self._drop_connections()
        self._forwarding = False
        if self._listener is None:
            self._listen()

    def cut(self) -> None:
        """Drop every connection and refuse new ones (the port is closed)."""
        self._close_listener()
        self._drop_connections()

    def close(self) -> None:
        self.cut()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self._track(client)
            if not self._forwarding:
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._track(upstream)
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._sockets.append(connection)

    def _close_listener(self) -> None:
        if self._listener is not None:
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None

    def _drop_connections(self) -> None:
        with self._lock:
            dropped, self._sockets = self._sockets, []
        for connection in dropped:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


def _pump(source: socket.socket, destination: socket.socket) -> None:
    with suppress(OSError):
        while chunk := source.recv(65536):
            destination.sendall(chunk)
    with suppress(OSError):
        destination.shutdown(socket.SHUT_WR)


@contextmanager
def proxy_to(host: str, port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy((host, port))
    proxy.restore()
    try:
        yield proxy
    finally:
        proxy.close()
