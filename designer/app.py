"""The application factory."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import g, redirect, request, url_for
from flask.json.provider import JSONProvider
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.cartables import Cartables
from engine.charkh import Charkh
from engine.errors import (
    BadInput,
    CharkhError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ScriptError,
    StepFailed,
    Throttled,
    Unauthorized,
)
from engine.process_list import ProcessList
from engine.settings import Settings

from .input_guard import check_request
from .page_headers import add_security_headers
from .static_files import keep_static_files

STATIC = Path(__file__).resolve().parent / "static"

STATUS_OF = {
    BadInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    ScriptError: 422,
    StepFailed: 422,
    Throttled: 429,
}
_CODE_OF_STATUS = {400: "bad_input", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                   405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                   422: "invalid", 429: "too_many_attempts"}


class OrjsonProvider(JSONProvider):
    """Fast JSON for every response (DESIGN.md: fast JSON on the hot path)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


class BearerCallsHaveNoSession(SecureCookieSessionInterface):
    """A call with a bearer token (the API) gets no session: opening the signed cookie was two
    thirds of setting up each API request. The pages, which sign in with a session, send none.

    The cookie is Secure on answers served over https (behind CHARKH_TRUSTED_PROXIES, as the
    proxy says), or on every answer with CHARKH_SECURE_COOKIES."""

    def __init__(self, always_secure: bool = False) -> None:
        self.always_secure = always_secure

    def open_session(self, app, request):
        if request.environ.get("HTTP_AUTHORIZATION"):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        return self.always_secure or request.is_secure


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def create_app(settings: Settings | None = None, charkh: Charkh | None = None) -> APIFlask:
    settings = settings or Settings.from_env()
    app = APIFlask("charkh", title="Charkh API", version="1", spec_path="/openapi.json", docs_path=None,
                  static_folder=str(STATIC), static_url_path="/static")
    app.json = OrjsonProvider(app)
    keep_static_files(app)
    app.session_interface = BearerCallsHaveNoSession(settings.secure_cookies)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_bpmn_bytes + 64 * 1024
    app.config["SPEC_FORMAT"] = "json"
    app.config["VALIDATION_ERROR_DESCRIPTION"] = "The request is not valid"
    app.extensions["charkh"] = charkh or Charkh(settings)
    app.extensions["charkh_process_list"] = ProcessList(app.extensions["charkh"])
    app.extensions["charkh_cartables"] = Cartables(app.extensions["charkh"])

    @app.before_request
    def refuse_what_cannot_be_stored():
        check_request(request)

    app.after_request(add_security_headers)

    @app.errorhandler(CharkhError)
    def charkh_error(error: CharkhError):
        status = next((s for cls, s in STATUS_OF.items() if isinstance(error, cls)), 400)
        headers = {"WWW-Authenticate": 'Bearer realm="charkh"'} if status == 401 else {}
        return error_body(error.code, error.message, error.details), status, headers

    @app.error_processor
    def http_error(error: HTTPError):
        code = _CODE_OF_STATUS.get(error.status_code, "error")
        message = error.message or "error"
        details = error.detail or None
        if error.status_code == 401 and not details:
            refusal = g.get("token_refusal")
            message = "a valid bearer token is required (Authorization: Bearer <token>)" + (
                f"; {refusal}" if refusal else "")
        return error_body(code, message, details), error.status_code, error.headers

    @app.errorhandler(500)
    def internal_error(error: Exception):
        return error_body("internal", "internal error; this is a bug"), 500

    from .api import api
    from .calendar_api import calendar_api
    from .cartable_api import cartable_api
    from .catalog_api import catalog_api
    from .inbound_events_api import inbound_events_api
    from .notifications_api import notifications_api
    from .pages import setup_pages
    from .records_api import records_api
    from .users_api import users_api

    app.register_blueprint(api)
    app.register_blueprint(cartable_api)
    app.register_blueprint(catalog_api)
    app.register_blueprint(users_api)
    app.register_blueprint(calendar_api)
    app.register_blueprint(notifications_api)
    app.register_blueprint(records_api)
    app.register_blueprint(inbound_events_api)
    setup_pages(app, settings)

    @app.get("/api/v1/openapi.json")
    @app.doc(hide=True)
    def openapi_under_api():
        return app.spec

    @app.get("/")
    @app.doc(hide=True)
    def index():
        return redirect(url_for("pages.cartable"))

    @app.get("/favicon.ico")
    @app.doc(hide=True)
    def favicon():
        return redirect(url_for("static", filename="pages/favicon.svg"), code=301)

    return app
