"""``modeller serve``: the local web app (see docs/web.md).

Starlette, uvicorn and the model are imported inside the command, so ``modeller
--help`` stays light.
"""

from __future__ import annotations

import sys

import click

from .common import _load, cli


@cli.command()
@click.argument("file", default="national-faq-2017")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other "
                   "machines in: the app has no login (a warning is printed).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free port.")
def serve(file, host, port) -> None:
    """Start the local web app on a set (the national default unless FILE is given):
    edit its figures in the browser, see the case move, download the reports.

    The first line printed is `Serving http://HOST:PORT/`. Stop with Ctrl-C.
    """
    try:
        from ..web.app import LOOPBACK_HOSTS, create_app
        from ..web.server import is_loopback, serve as run_server
    except ImportError as exc:  # a broken install (they are dependencies)
        raise click.ClickException(
            f"the web app needs {exc.name}, which is missing; reinstall the package "
            "(pip install iapt-ltc-modeller)") from exc

    (s,) = _load([file])
    app = create_app(s, allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else None)
    # Draw the served set's page once before serving, so the first browser is not kept
    # waiting while the templates load and the first charts are drawn.
    app.state.warm_up()
    try:
        run_server(app, host, port)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}",
                   err=True)
        sys.exit(1)
