"""The web pages (../shared/API.md, "Pages"): sign-in, the process list, the modeler, the instance
viewer. Pages are thin: they render a config block and the bundle in designer/static/dist does
the rest through the same /api/v1 endpoints every client uses, with the signed-in user's token."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import Babel, gettext
from markupsafe import Markup

from engine.access import Caller, may_supervise
from engine.errors import Forbidden, NotFound, Throttled, Unauthorized
from engine.settings import Settings

from . import page_session
from .csrf import csrf_token, form_is_genuine
from .next_page import safe_next
from .page_texts import date_picker_texts

LANGUAGES = {"en": "English", "fa": "فارسی", "ro": "Română"}
RTL = {"fa"}

pages = Blueprint("pages", __name__, template_folder="templates")


def select_locale() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return session.get("lang") or request.accept_languages.best_match(list(LANGUAGES)) or "en"


def secret_key(settings: Settings) -> str:
    """CHARKH_SECRET_KEY, else one generated once and kept beside the embedded database, so every
    process on this machine signs sessions alike (set the variable when web runs on several)."""
    import os

    if os.environ.get("CHARKH_SECRET_KEY"):
        return os.environ["CHARKH_SECRET_KEY"]
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="ascii") as out:
                os.chmod(path, 0o600)
                out.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass  # another process wrote it first
    return path.read_text(encoding="ascii").strip()


def setup_pages(app: Any, settings: Settings) -> None:
    app.secret_key = secret_key(settings)
    # SameSite=Lax: links from mail into a page still arrive signed in; forms carry a CSRF token
    # besides. Secure is decided per answer (app.py: on https, or always by setting).
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"))
    Babel(app, locale_selector=select_locale)
    from . import cartable_pages, record_pages  # noqa: F401  (their routes join this blueprint before it is registered)
    app.register_blueprint(pages)
    app.before_request(refuse_forged_forms)
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        locale = select_locale()
        caller = g.get("page_caller")
        return {"locale": locale, "direction": "rtl" if locale in RTL else "ltr", "languages": LANGUAGES,
                "signed_in": g.get("page_user"), "with_lang": with_lang,
                "supervises": bool(caller and may_supervise(caller)),
                "bell": bool(g.get("page_token")), "bell_config": bell_config}


def with_lang(code: str) -> str:
    """This page's address in another language, keeping its other parameters (``next``)."""
    args = {**request.args.to_dict(), "lang": code}
    return f"{request.path}?{urlencode(args)}"


def landing(caller: Caller) -> str:
    """Where a sign-in without ``next`` leads: people who model to the process list, everyone
    else to their cartable."""
    return url_for("pages.designer_list") if caller.models else url_for("pages.cartable")


def refuse_forged_forms():
    """A POST to a page must carry the session's CSRF token, or nothing happens. (Registered on
    the app: apiflask expects a blueprint's before_request only on API blueprints.)"""
    if request.method != "POST" or request.blueprint != pages.name or form_is_genuine():
        return None
    if request.endpoint == "pages.logout" and not page_session.exists():
        return None  # nobody to sign out: an old page's button just leads to the sign-in form
    if request.endpoint == "pages.login":
        message = gettext("This sign-in form has expired. Please sign in again.")
        return render_template("login.html", error=message), 403
    raise Forbidden("the form did not come from this site's page, or the page has expired; reload it")


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        signed = page_session.current()
        if signed is None:
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        g.page_caller, g.page_user, g.page_token = signed[0], signed[0].name, signed[1]
        return view(*args, **kwargs)

    return wrapper


def page_caller() -> Caller | None:
    """The signed-in user as the access rule knows them (a page behind @signed_in)."""
    return g.get("page_caller")


def page_config(**extra: Any) -> Markup:
    """The JSON block the bundle reads: API root, the page session's token, the language, and
    whether the user models (the pages show only what the user may do; the API enforces it)."""
    locale = select_locale()
    caller = page_caller()
    config = {"api": "/api/v1", "token": g.page_token, "user": g.page_user, "locale": locale,
              "dir": "rtl" if locale in RTL else "ltr", "models": bool(caller and caller.models),
              "admin": bool(caller and caller.is_admin), **extra}
    return _json_block("charkh-config", config)


def bell_config() -> Markup:
    """The JSON block of the notification bell on every signed-in page (base.html), apart from
    the page's own config: error pages have none, and the bell needs only these."""
    locale = select_locale()
    texts = {"assigned": gettext("Work item for you"), "reminder": gettext("Reminder"),
             "escalation": gettext("Escalated to you"), "task": gettext("Task for you"),
             "invitation": gettext("Invitation")}
    return _json_block("charkh-bell", {"api": "/api/v1", "token": g.page_token, "user": g.page_user,
                                       "locale": locale, "texts": texts})


def _json_block(element_id: str, data: dict[str, Any]) -> Markup:
    # </script> cannot appear: orjson escapes nothing, so escape the closing-tag characters.
    text = orjson.dumps(data).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script id="{element_id}" type="application/json">{text}</script>')


@pages.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error=None)
    charkh = current_app.extensions["charkh"]
    try:
        caller = charkh.sign_in(request.form.get("username", "").strip(), request.form.get("password", ""),
                                request.remote_addr or "unknown")
    except Throttled as refused:
        seconds = refused.details["retry_after"]
        message = gettext("Too many failed sign-ins. Try again in %(seconds)s seconds.", seconds=seconds)
        return render_template("login.html", error=message), 429, {"Retry-After": str(seconds)}
    except Unauthorized:
        return render_template("login.html", error=gettext("Wrong user name or password.")), 401
    chosen_language = session.get("lang")
    page_session.start(caller)  # a new session: the language chosen before signing in stays
    if chosen_language:
        session["lang"] = chosen_language
    return redirect(safe_next(request.args.get("next"), landing(caller)))


@pages.post("/logout")
def logout():
    page_session.end()
    return redirect(url_for("pages.login"))


@pages.get("/designer")
@signed_in
def designer_list():
    caller = page_caller()
    return render_template("designer_list.html", config=page_config(), models=bool(caller and caller.models),
                           admin=bool(caller and caller.is_admin))


@pages.get("/designer/new")
@signed_in
def designer_new():
    caller = page_caller()
    if caller is None or not caller.models:
        abort(403, gettext("Only analysts and administrators create processes."))
    return render_template("modeler.html", config=page_config(key=None), title=gettext("New process"))


@pages.get("/designer/<key>")
@signed_in
def designer_open(key: str):
    return render_template("modeler.html", config=page_config(key=key), title=key)


@pages.get("/users")
@signed_in
def users_page():
    caller = page_caller()
    if caller is None or not caller.is_admin:
        abort(403, gettext("Only administrators manage users."))
    return render_template("users.html", config=page_config(), title=gettext("Users"))


@pages.get("/instances/<instance_id>")
@signed_in
def instance_page(instance_id: str):
    charkh = current_app.extensions["charkh"]
    caller = page_caller()
    assert caller is not None
    try:
        charkh.instance(instance_id, caller)
    except NotFound:
        return error_page(404, gettext("There is no instance %(id)s.", id=instance_id))
    except Forbidden:
        return error_page(403, gettext("Instance %(id)s is not yours to see.", id=instance_id))
    return render_template("viewer.html", config=page_config(instance=instance_id),
                           title=gettext("Instance %(id)s", id=instance_id))


def error_page(status: int, message: str) -> tuple[str, int]:
    """A page that says what went wrong, with the status it deserves."""
    titles = {403: gettext("Not yours to see"), 404: gettext("Not found")}
    return render_template("error.html", title=titles.get(status, gettext("Error")), message=message), status


@pages.get("/calendar")
@signed_in
def calendar_page():
    return render_template("calendar.html", config=page_config(), picker_texts=date_picker_texts(),
                           title=gettext("Calendar"))
