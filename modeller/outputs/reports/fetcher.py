"""A WeasyPrint URL fetcher that serves only the package's own templates directory.

WeasyPrint's default fetcher will read any ``file://`` URL and any web address an HTML
document names (its documentation, "Security"; advisory GHSA-35jj-wx47-4w8r). Reports
contain user text (set names, labels, sources), which is escaped by jinja2, but as a
second line of defence the renderer is given this fetcher: it serves ``data:`` URIs and
regular files inside the templates directory (fonts, CSS, images) and refuses everything
else — network schemes, other local files, paths escaping the directory through ``..``
or symlinks — by raising :class:`RefusedURL`. Every refusal is also recorded in
:attr:`PackageFetcher.refused` so tests can assert that nothing was attempted.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".html": "text/html",
}


class RefusedURL(ValueError):
    """A resource outside the package's templates directory was requested."""


class PackageFetcher(URLFetcher):
    """Serve ``data:`` URIs and files under ``root``; refuse everything else.

    ``fail_on_errors=True`` makes WeasyPrint stop the render on a refusal (it wraps the
    error in ``FatalURLFetchingError``) instead of silently dropping the resource.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False,
                         fail_on_errors=True)
        self.root = Path(root).resolve()
        self.refused: list[str] = []
        self.served: list[str] = []

    def _refuse(self, url: str, why: str) -> RefusedURL:
        self.refused.append(url)
        return RefusedURL(f"refused to fetch {url!r}: {why}")

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise self._refuse(url, "only package files and data: URIs are allowed")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file host")
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError):
            raise self._refuse(url, "no such file") from None
        if not path.is_relative_to(self.root) or not path.is_file():
            raise self._refuse(url, "outside the templates directory")
        content_type = _TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.served.append(path.relative_to(self.root).as_posix())
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
        try:
            meta, payload = url[5:].split(",", 1)
        except ValueError:
            raise self._refuse(url[:60], "malformed data: URI") from None
        params = meta.split(";")
        content_type = params[0] or "text/plain"
        if params[-1].lower() == "base64":
            body = base64.b64decode(payload)
        else:
            body = unquote_to_bytes(payload)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
