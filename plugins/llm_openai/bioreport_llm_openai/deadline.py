"""One deadline for a whole attempt, not for each read.

httpx2's timeouts bound each network operation: a server that sends a byte every second never
trips a 3-second read timeout and held one attempt 20 s (issue 15). ``httpx2.Timeout`` has no
total, so the deadline is enforced where every byte passes, in the network backend under the
SDK's HTTP client: inside :func:`attempt_deadline`, each connect, read and write may wait only
for what is left of the attempt, and once it is spent the next one fails at once with the
library's own timeout error, which the SDK reports as ``APITimeoutError``. No thread is left
behind and the connection is dropped, not reused.

The deadline lives in a context variable: each job thread has its own while sharing one client.
"""

import ssl
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import httpcore2
import httpx2

from bioreport_engine import ConfigurationError

_deadline: ContextVar[float | None] = ContextVar("bioreport_llm_attempt_deadline", default=None)


@contextmanager
def attempt_deadline(seconds: float) -> Iterator[None]:
    """Network operations of this thread inside the block end ``seconds`` from now at the
    latest."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the attempt; ``expired`` once nothing is."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the attempt's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _bounded(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _bounded(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class _DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self.backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        stream = self.backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self.backend.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


def deadline_http_client(endpoint: str) -> httpx2.Client:
    """The SDK's default HTTP client, on a transport whose I/O obeys :func:`attempt_deadline`.

    An explicit transport makes httpx2 ignore the proxy variables of the environment, so the
    proxy they set for ``endpoint`` (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) is passed on.
    """
    import openai

    transport = httpx2.HTTPTransport(proxy=_environment_proxy(endpoint))
    # httpx2 builds its httpcore2 pool without a choice of backend: the backend is wrapped in
    # place. Should a release of httpx2 move it, building the stage stops here, in one line.
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore2.NetworkBackend):
        raise ConfigurationError(
            f"httpx2 {httpx2.__version__} hides the network backend that bounds each LLM "
            "attempt: install the httpx2 version the plugin was tested with (2.16)"
        )
    pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return openai.DefaultHttpxClient(transport=transport)


def _environment_proxy(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")
