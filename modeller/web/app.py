"""The web app: a Starlette ASGI application over the Python API.

Routes (every POST carries the whole form: the page holds the inputs, the server keeps
only bounded stores, :mod:`modeller.web.state`):

- ``GET /``: the page for the served set; ``POST /`` the same page for the submitted
  values (what pressing Enter without JavaScript does).
- ``POST /results``: the headline figures for the submitted values, with every
  validation problem beside its field (htmx swaps them in place); on success the
  response triggers ``modeller:results`` and the charts follow from ``POST /charts``.
- ``POST /download/{kind}``: one of :data:`modeller.web.downloads.DOWNLOADS` as an
  attachment.
- ``POST /upload``: a YAML set (multipart, size-limited) replaces the form.
- ``POST /conditions/add`` and ``/conditions/remove``: change the case mix.
- ``POST /scenarios`` and ``/scenarios/remove``: keep the inputs as a named scenario,
  and the side-by-side comparison.

Model runs, charts and PDFs run in worker threads so the server keeps answering. Charts
are pure functions (hand-written SVG) and draw in parallel; PDF and workbook downloads
take one lock, since a PDF render sets ``SOURCE_DATE_EPOCH`` in the process environment.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import modeller

from . import conditions, forms, upload, views
from .downloads import DOWNLOADS, filename, headers
from .pages import Pages
from .state import MAX_NAME, Scenario, ScenarioLimit, Sessions, SetStore

STATIC = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "modeller_session"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]

#: Sent with every response: the page loads nothing from any other host and runs no
#: inline script. 'unsafe-eval' is allowed only because browser-automation tools
#: (Playwright's wait_for_function) evaluate their predicates with it; htmx's own eval
#: features are switched off in the page (htmx-config allowEval: false).
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_heavy = threading.Lock()   # downloads: a PDF render sets SOURCE_DATE_EPOCH process-wide


class _Headers:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode())
                         for k, v in SECURITY_HEADERS.items()]
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def create_app(s: Any, *, allowed_hosts: list[str] | None = None) -> Starlette:
    """The app serving assumption set ``s`` (a :class:`modeller.AssumptionSet`).

    ``allowed_hosts``: Host headers accepted (``None``: any); a loopback server accepts
    only loopback names, which stops other web sites reaching it by DNS rebinding.
    """
    sets = SetStore(s)
    sessions = Sessions()
    chart_gate = asyncio.Lock()   # one chart drawing at a time, in arrival order
    pages = Pages()

    def session_of(request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE)

    async def form_of(request: Request) -> dict | Response:
        """The submitted fields, or a response saying why they cannot be read."""
        try:
            data = await request.form(max_files=0, max_fields=forms.MAX_FIELDS,
                                      max_part_size=upload.MAX_FORM_BODY)
        except upload.TooLarge:
            return HTMLResponse(pages.message("The request is too large."), 413)
        return {k: v for k, v in data.items() if isinstance(v, str)}

    def base_of(fields: dict) -> Any | None:
        return sets.get(fields.get(forms.BASE_FIELD))

    async def submitted(request: Request) -> tuple[dict, Any] | Response:
        """The submitted fields and the set they edit, or a response saying why not."""
        fields = await form_of(request)
        if isinstance(fields, Response):
            return fields
        base = base_of(fields)
        if base is None:
            return expired()
        return fields, base

    def expired() -> HTMLResponse:
        return HTMLResponse(pages.message(
            "This page's assumption set is no longer held by the server (it keeps a "
            "limited number). Reload the page to start again from the served set."), 409)

    def workspace_response(base: Any, reading: forms.Reading | None = None,
                           note: str = "") -> HTMLResponse:
        ok = reading is None or reading.ok
        current = reading.edited if reading is not None and reading.ok else base
        results = modeller.run(current).to_dict() if ok else None
        html = pages.workspace(base, reading, results, note)
        return HTMLResponse(html, headers={"HX-Trigger": "modeller:results"}
                            if results is not None else None)

    async def page(request: Request) -> Response:
        base, reading = s, None
        if request.method == "POST":
            got = await submitted(request)
            if isinstance(got, Response):
                return got
            fields, base = got
            reading = await run_in_threadpool(forms.read, base, fields)
        sid = session_of(request) or sessions.new_id()

        def render() -> str:
            current = reading.edited if reading is not None and reading.ok else base
            results = (modeller.run(current).to_dict()
                       if reading is None or reading.ok else None)
            charts = views.chart_list(current, results) if results else []
            return pages.page(base, reading, results, charts,
                              sessions_view(sid, reading))

        response = HTMLResponse(await run_in_threadpool(render))
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict")
        return response

    def sessions_view(sid: str | None, reading: forms.Reading | None = None,
                      error: str = "") -> dict:
        kept = sessions.scenarios(sid)
        columns = [(k.name, k.results) for k in kept]
        comparison = views.comparison(columns) if columns else None
        return {"kept": kept, "comparison": comparison, "error": error,
                "limit": sessions.per_session, "max_name": MAX_NAME}

    async def results(request: Request) -> Response:
        got = await submitted(request)
        if isinstance(got, Response):
            return got
        fields, base = got

        def render() -> tuple[str, bool]:
            reading = forms.read(base, fields)
            out = modeller.run(reading.edited).to_dict() if reading.ok else None
            return pages.results(base, reading, out), reading.ok

        html, ok = await run_in_threadpool(render)
        return HTMLResponse(html, headers={"HX-Trigger": "modeller:results"} if ok
                            else None)

    async def chart_route(request: Request) -> Response:
        got = await submitted(request)
        if isinstance(got, Response):
            return got
        fields, base = got
        async with chart_gate:
            # While someone types, the page abandons chart requests that newer values
            # have overtaken; draw none of those, so no backlog builds up.
            if await request.is_disconnected():
                return Response(status_code=204)
            return await _draw_charts(base, fields)

    async def _draw_charts(base: Any, fields: dict) -> Response:
        def render() -> str | None:
            reading = forms.read(base, fields)
            if not reading.ok:
                return None
            out = modeller.run(reading.edited).to_dict()
            return pages.charts(views.chart_list(reading.edited, out))

        html = await run_in_threadpool(render)
        return HTMLResponse(html) if html is not None else Response(status_code=204)

    async def download(request: Request) -> Response:
        kind = request.path_params["kind"]
        item = DOWNLOADS.get(kind)
        if item is None:
            return HTMLResponse(pages.message("No such download."), 404)
        got = await submitted(request)
        if isinstance(got, Response):
            return got
        fields, base = got
        reading = await run_in_threadpool(forms.read, base, fields)
        if not reading.ok:
            return HTMLResponse(pages.message(
                "The inputs have problems, so nothing was made; go back, fix the "
                "problems shown beside the fields and download again."), 422)

        def make() -> bytes:
            with _heavy:
                return item.make(reading.edited)

        body = await run_in_threadpool(make)
        return Response(body, media_type=item.media_type,
                        headers=headers(filename(reading.edited, item)))

    async def upload_route(request: Request) -> Response:
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > upload.MAX_BODY:
            return HTMLResponse(pages.upload_problems(upload.too_large()))
        try:
            data = await request.form(max_files=1, max_fields=20,
                                      max_part_size=upload.MAX_FORM_BODY)
            file = data.get("file")
            raw = await file.read(upload.MAX_UPLOAD + 1) if hasattr(file, "read") else b""
            name = getattr(file, "filename", None)
        except upload.TooLarge:
            return HTMLResponse(pages.upload_problems(upload.too_large()))
        except Exception:  # noqa: BLE001 - a malformed multipart body
            return HTMLResponse(pages.upload_problems(upload.Outcome(problems=[
                "The upload could not be read; choose a YAML file and press Upload."])))
        if not name and not raw:
            return HTMLResponse(pages.upload_problems(upload.Outcome(problems=[
                "No file was chosen; choose a YAML assumption set, then press Upload."])))
        outcome = await run_in_threadpool(upload.load, raw, name)
        if outcome.set is None:
            return HTMLResponse(pages.upload_problems(outcome))
        sets.add(outcome.set)
        response = await run_in_threadpool(
            workspace_response, outcome.set, None,
            f"Loaded {outcome.filename} ({outcome.set.name}): the form now holds its "
            "values.")
        response.headers["HX-Retarget"] = "#workspace"
        response.headers["HX-Reswap"] = "outerHTML"
        return response

    async def condition_route(request: Request) -> Response:
        got = await submitted(request)
        if isinstance(got, Response):
            return got
        fields, base = got
        action = request.url.path.rsplit("/", 1)[-1]

        def change() -> HTMLResponse:
            reading = forms.read(base, fields)
            if not reading.ok:
                return workspace_response(base, reading, "Fix the problems shown before "
                                          "adding or removing a condition.")
            try:
                if action == "add":
                    new, note = conditions.add(reading.edited,
                                               fields.get("_new_condition", ""))
                else:
                    new, note = conditions.remove(reading.edited,
                                                  fields.get("_remove", ""))
            except conditions.ConditionError as exc:
                return workspace_response(base, reading, str(exc))
            sets.add(new)
            return workspace_response(new, None, note)

        return await run_in_threadpool(change)

    async def scenarios_route(request: Request) -> Response:
        fields = await form_of(request)
        if isinstance(fields, Response):
            return fields
        sid = session_of(request)
        if not sid:
            return HTMLResponse(pages.scenarios(sessions_view(None, error=(
                "Scenarios need the page's cookie; reload the page and try again."))))
        if request.url.path.endswith("/remove"):
            index = fields.get("_scenario_index", "")
            sessions.remove(sid, int(index) if index.isdigit() else -1)
            return HTMLResponse(pages.scenarios(sessions_view(sid)))
        base = base_of(fields)
        if base is None:
            return expired()
        name = " ".join(str(fields.get("_scenario_name", "")).split())[:MAX_NAME]
        reading = await run_in_threadpool(forms.read, base, fields)
        error = ""
        if not name:
            error = "Give the scenario a name, then press Keep as scenario."
        elif not reading.ok:
            error = "The inputs have problems; fix them before keeping a scenario."
        else:
            out = await run_in_threadpool(lambda: modeller.run(reading.edited).to_dict())
            try:
                sessions.keep(sid, Scenario(name, reading.edited, out))
            except ScenarioLimit as exc:
                error = str(exc)[:1].upper() + str(exc)[1:] + "."
        return HTMLResponse(pages.scenarios(sessions_view(sid, error=error)))

    routes = [
        Route("/", page, methods=["GET", "POST"]),
        Route("/results", results, methods=["POST"]),
        Route("/charts", chart_route, methods=["POST"]),
        Route("/download/{kind}", download, methods=["POST"]),
        Route("/upload", upload_route, methods=["POST"]),
        Route("/conditions/add", condition_route, methods=["POST"]),
        Route("/conditions/remove", condition_route, methods=["POST"]),
        Route("/scenarios", scenarios_route, methods=["POST"]),
        Route("/scenarios/remove", scenarios_route, methods=["POST"]),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(_Headers),
                  Middleware(upload.BodyLimit, limits={"/upload": upload.MAX_BODY},
                             default=upload.MAX_FORM_BODY)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    app = Starlette(routes=routes, middleware=middleware)

    def warm_up() -> None:
        """Run the served set and draw its page once (loads the model, templates)."""
        results = modeller.run(s).to_dict()
        charts = views.chart_list(s, results)
        pages.page(s, None, results, charts, sessions_view(None))

    app.state.warm_up = warm_up
    return app
