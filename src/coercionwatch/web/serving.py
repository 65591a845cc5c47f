"""Running the app under Uvicorn on a socket bound beforehand: a busy port is known before
anything tells the user the site is up."""

from __future__ import annotations

import socket

APP = "coercionwatch.web.app:app_from_environment"
"""The factory each worker calls; it reads the database and site from the environment."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, as Uvicorn would bind it; OSError when the port is taken
    or the address is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    bound = socket.socket(family, socket.SOCK_STREAM)
    try:
        bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Uvicorn takes this socket by its descriptor and so never turns Nagle off on the
        # connections it accepts; they inherit this instead (a 40 ms stall per answer).
        bound.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        bound.bind((host, port))
    except OSError:
        bound.close()
        raise
    bound.set_inheritable(True)  # the workers inherit it
    return bound


def address(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(bound: socket.socket, *, workers: int = 1) -> None:
    """Serve until interrupted, on the socket `listen` bound."""
    import uvicorn

    uvicorn.run(APP, factory=True, fd=bound.fileno(), workers=workers, log_level="warning")
