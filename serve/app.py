"""`ppi serve`: the live arbitration page's HTTP server (Starlette, run by uvicorn), docs/serve-api.md.

`create_app(session, token)` is the ASGI application over one `Session` (serve/session.py); `run(...)` loads
the scenario, solves it once with a progress line, prints the address and serves until Ctrl-C. Bound to
127.0.0.1 unless `--host` says otherwise; then a random token is printed and every request must carry it
(`?token=` or the `X-PPI-Token` header), compared in constant time. The page's assets are shipped in
serve/static/ (no CDN).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import secrets
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import ppi
from serve.session import Refused, Session

STATIC = Path(__file__).resolve().parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
LANGS = ("fr", "en")
CHARTS = ("spending", "unmet", "heatmap", "gantt")
EXPORTS = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Seconds between two lines of the progress shown while the base solves at start.
PROGRESS_EVERY_S = 1.0


def _errors(refused: Refused) -> JSONResponse:
    body: dict[str, Any] = {"errors": refused.errors}
    if refused.code is not None:
        body["code"] = refused.code
    return JSONResponse(body, status_code=refused.status)


def create_app(session: Session, token: str | None = None) -> Any:
    """The application over `session`; with a `token`, every request but the shipped assets must carry it."""

    def lang_of(request: Request) -> str:
        """The page's language: `?lang=`, else the `X-PPI-Lang` header the page sends, else `--lang`."""
        lang = request.query_params.get("lang") or request.headers.get("x-ppi-lang") or session.default_lang
        return lang if lang in LANGS else session.default_lang

    def endpoint(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        """A JSON endpoint: a `Refused` becomes its status and `{"errors": [...]}`."""

        def run(request: Request) -> Response:
            session.speaking(lang_of(request))  # refusals in the page's language (this thread answers it)
            try:
                answer = handler(request)
            except Refused as refused:
                return _errors(refused)
            return answer if isinstance(answer, Response) else JSONResponse(answer)

        return run

    async def body(request: Request) -> Any:
        try:
            return json.loads(await request.body() or b"{}")
        except ValueError:
            lang = lang_of(request)
            raise Refused(400, [ppi.live_words("body_not_json", lang)]) from None

    def posted(handler: Callable[[Request, Any], Any]) -> Callable[[Request], Any]:
        """A POST endpoint with a JSON body; the work runs in a thread (a derive, a chart, a file)."""
        from starlette.concurrency import run_in_threadpool

        def spoken(request: Request, data: Any) -> Any:
            session.speaking(lang_of(request))  # refusals in the page's language (this thread answers it)
            return handler(request, data)

        async def run(request: Request) -> Response:
            try:
                data = await body(request)
                answer = await run_in_threadpool(spoken, request, data)
            except Refused as refused:
                return _errors(refused)
            return answer if isinstance(answer, Response) else JSONResponse(answer)

        return run

    def page(request: Request) -> Response:
        index = STATIC / "index.html"
        if not index.is_file():
            return PlainTextResponse("the page is not installed (serve/static/index.html)", status_code=404)
        return FileResponse(index, media_type="text/html; charset=utf-8")

    def state(request: Request) -> Any:
        return session.state(lang_of(request))

    def add_edit(request: Request, data: Any) -> Any:
        session.add_edit(data)
        return session.state(lang_of(request))

    def remove_edit(request: Request) -> Any:
        try:
            edit_id = int(request.path_params["id"])
        except ValueError:
            raise Refused(404, [ppi.live_words("unknown_edit", session.lang, id=request.path_params["id"])]) from None
        notices = session.remove_edit(edit_id)
        return {**session.state(lang_of(request)), "notices": notices}

    def clear_edits(request: Request, data: Any) -> Any:
        session.clear_edits()
        return session.state(lang_of(request))

    def solve(request: Request, data: Any) -> Any:
        return JSONResponse({"job": session.job_view(session.solve(), lang_of(request))}, status_code=202)

    def job(request: Request) -> Any:
        return session.job_view(session.worker.job, lang_of(request))

    def cancel(request: Request, data: Any) -> Any:
        return session.job_view(session.cancel(), lang_of(request))

    def chart(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in CHARTS:
            return PlainTextResponse(
                ppi.live_words("unknown_chart", lang_of(request), name=name, known=", ".join(CHARTS)), status_code=404
            )
        svg = session.chart(name, request.query_params.get("state") or "current", lang_of(request))
        return Response(svg, media_type="image/svg+xml")

    def why(request: Request, data: Any) -> Any:
        project = data.get("project") if isinstance(data, dict) else None
        return JSONResponse({"job": session.job_view(session.explain(str(project)), lang_of(request))}, status_code=202)

    def remedy(request: Request, data: Any) -> Any:
        try:
            index = int(data.get("index"))
        except (AttributeError, TypeError, ValueError):
            raise Refused(400, [ppi.live_words("no_diagnosis", session.lang, index="?")]) from None
        session.apply_remedy(index)
        return session.state(lang_of(request))

    def save(request: Request, data: Any) -> Any:
        if not isinstance(data, dict):
            data = {}
        saved = session.save(data.get("name"), replace=bool(data.get("replace", False)))
        return JSONResponse(saved, status_code=201)

    def compare(request: Request) -> Any:
        names = [n for n in (request.query_params.get("states") or "").split(",") if n]
        return session.compare(names, lang_of(request))

    def export(request: Request) -> Response:
        fmt = request.path_params["format"]
        if fmt not in EXPORTS:
            known = ", ".join(f"report.{f}" for f in EXPORTS)
            return PlainTextResponse(
                ppi.live_words("unknown_export", lang_of(request), name=f"report.{fmt}", known=known), status_code=404
            )
        data = session.export(request.query_params.get("state") or "current", fmt, lang_of(request))
        headers = {"Content-Disposition": f'attachment; filename="report.{fmt}"'}
        return Response(data, media_type=EXPORTS[fmt], headers=headers)

    routes = [
        Route("/", page),
        Route("/api/state", endpoint(state)),
        Route("/api/edits", posted(add_edit), methods=["POST"]),
        Route("/api/edits/clear", posted(clear_edits), methods=["POST"]),
        Route("/api/edits/{id}", endpoint(remove_edit), methods=["DELETE"]),
        Route("/api/solve", posted(solve), methods=["POST"]),
        Route("/api/job", endpoint(job)),
        Route("/api/cancel", posted(cancel), methods=["POST"]),
        Route("/api/chart/{name}.svg", endpoint(chart)),
        Route("/api/why", posted(why), methods=["POST"]),
        Route("/api/remedy", posted(remedy), methods=["POST"]),
        Route("/api/save", posted(save), methods=["POST"]),
        Route("/api/compare", endpoint(compare)),
        Route("/api/export/report.{format}", endpoint(export)),
        Mount("/static", app=StaticFiles(directory=STATIC, check_dir=False), name="static"),
    ]
    app = Starlette(routes=routes)
    if token is None:
        return app
    return TokenGate(app, token, lambda: ppi.live_words("token", session.lang))


class TokenGate:
    """An ASGI wrapper: every HTTP request but the shipped assets carries the token (`X-PPI-Token` header or
    `?token=`), compared in constant time; otherwise 403 with a plain message."""

    def __init__(self, app: Any, token: str, message: Callable[[], str]) -> None:
        self.app = app
        self.expected = token.encode("utf-8")
        self.message = message

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            request = Request(scope)
            given = request.headers.get("x-ppi-token") or request.query_params.get("token") or ""
            if not hmac.compare_digest(given.encode("utf-8"), self.expected):
                await PlainTextResponse(self.message(), status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _progress_line(session: Session, note: Callable[[str], None]) -> None:
    """The base's solve at start, shown as a line updated every second until it ends."""
    job = session.worker.job
    shown = 0.0
    while job is not None and job.status == "running":
        session.wait(0.2)
        if time.monotonic() - shown >= PROGRESS_EVERY_S:
            shown = time.monotonic()
            best = f", best {job.best:.3f}" if job.best is not None else ""
            note(f"\rSolving {session.base.name}: {job.elapsed:.0f} s{best}   ")
    note("\n")


def _log_to_stderr() -> None:
    """The server's log (`ppi.serve`: the technical detail of a solve that failed) on standard error, once."""
    log = logging.getLogger("ppi.serve")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("ppi serve: %(levelname)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def run(
    target: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    lang: str = "fr",
    solver: str = "highs",
    time_limit: float | None = None,
    allow_outside_files: bool = False,
    say: Callable[[str], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> int:
    """Load `target` (FILE[:VARIANT]), solve it, tell the address (`say`, a line of standard output: the address
    and the token) and serve until Ctrl-C; `note` shows the progress (standard error)."""
    import uvicorn

    say = say or (lambda line: sys.stdout.write(line + "\n") and sys.stdout.flush())
    note = note or (lambda text: sys.stderr.write(text) and sys.stderr.flush())
    _log_to_stderr()
    session = Session(target, lang=lang, solver=solver, time_limit=time_limit, allow_outside_files=allow_outside_files)
    try:
        token = None if host in LOCAL_HOSTS else secrets.token_urlsafe(24)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        bound = sock.getsockname()[1]
        sock.listen(128)  # connections wait in the backlog from now on, until uvicorn accepts them
        session.solve()
        _progress_line(session, note)
        job = session.job_view(session.worker.job, "en")
        if job is not None and job["status"] != "done":
            note(f"warning: the base did not solve: {job['message']}\n")
        shown_host = f"[{host}]" if ":" in host else host
        address = f"http://{shown_host}:{bound}/" + (f"?token={token}" if token else "")
        say(f"ppi serve: {address}")
        if token:
            say(f"token: {token} (every request must carry it)")
        note("Ctrl-C stops the server.\n")
        config = uvicorn.Config(create_app(session, token), log_level="warning", lifespan="off")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the server is stopped
            uvicorn.Server(config).run(sockets=[sock])
        note("Stopped.\n")
    finally:
        session.close()
    return 0
