"""Running the web app: bind, announce, serve with uvicorn, stop cleanly.

The socket is bound (and listening) before anything is printed, so the first line on
standard output, ``Serving http://HOST:PORT/``, names the real port (``--port 0`` asks
the system for a free one) and a client may connect as soon as it reads it. uvicorn
handles Ctrl-C and SIGTERM by finishing open requests and closing the socket; after a
Ctrl-C this returns normally (exit status 0), after SIGTERM uvicorn re-raises the signal
so the process ends with the usual status for it. A host that is not a loopback address
gets a warning on standard error: the app has no login.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Any, TextIO


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url(host: str, port: int) -> str:
    """``http://HOST:PORT/`` (IPv6 addresses in brackets)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free port)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def no_login_warning(host: str) -> str:
    """The warning printed for a non-loopback host."""
    return (f"warning: --host {host} is not a loopback address: this app has no login, "
            "so anyone who can reach this machine on that address can use it and see "
            "the assumption sets loaded into it.")


def serve(app: Any, host: str, port: int, *, out: TextIO | None = None,
          err: TextIO | None = None) -> None:
    """Serve ``app`` until Ctrl-C or SIGTERM; print ``Serving URL`` first."""
    import uvicorn

    out, err = out or sys.stdout, err or sys.stderr
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5, lifespan="off",
                            server_header=False)
    server = uvicorn.Server(config)
    sock = bind(host, port)
    try:
        real_port = sock.getsockname()[1]
        if not is_loopback(host):
            print(no_login_warning(host), file=err, flush=True)
        print(f"Serving {url(host, real_port)}", file=out, flush=True)
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl-C (also before uvicorn took over the signals): a clean exit 0
    finally:
        sock.close()
