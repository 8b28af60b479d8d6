"""The web pages (../shared/API.md, "Pages"): sign-in, the process list, the modeler, the instance
viewer. Pages are thin: they render a config block and the bundle in designer/static/dist does
the rest through the same /api/v1 endpoints every client uses, with the signed-in user's token."""
from __future__ import annotations

import secrets
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import orjson
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import Babel, gettext
from markupsafe import Markup

from engine.access import Caller
from engine.errors import CharkhError
from engine.settings import Settings

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
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"))
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(pages)

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        locale = select_locale()
        return {"locale": locale, "direction": "rtl" if locale in RTL else "ltr", "languages": LANGUAGES,
                "signed_in": session.get("user")}


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not session.get("user") or not session.get("token"):
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def page_caller() -> Caller | None:
    """The signed-in user as the access rule knows them (None once their token stopped working)."""
    try:
        return current_app.extensions["charkh"].caller_for_token(session["token"])
    except CharkhError:
        return None


def page_config(**extra: Any) -> Markup:
    """The JSON block the bundle reads: API root, the user's token, the language, and whether they
    model (the pages show only what the user may do; the API enforces it)."""
    locale = select_locale()
    caller = page_caller()
    config = {"api": "/api/v1", "token": session["token"], "user": session["user"], "locale": locale,
              "dir": "rtl" if locale in RTL else "ltr", "models": bool(caller and caller.models),
              "admin": bool(caller and caller.is_admin), **extra}
    # </script> cannot appear: orjson escapes nothing, so escape the closing-tag characters.
    text = orjson.dumps(config).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script id="charkh-config" type="application/json">{text}</script>')


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never an open redirect to another host.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.designer_list")


@pages.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    error = None
    if request.method == "POST":
        name = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        charkh = current_app.extensions["charkh"]
        try:
            caller = charkh.caller_for_password(name, password)
        except CharkhError:
            error = gettext("Wrong user name or password.")
        else:
            session.clear()
            session["user"] = caller.name
            session["token"] = charkh.issue_token(caller.name)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), (401 if error else 200)


@pages.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("pages.login"))


@pages.get("/designer")
@signed_in
def designer_list():  # type: ignore[no-untyped-def]
    caller = page_caller()
    return render_template("designer_list.html", config=page_config(), models=bool(caller and caller.models),
                           admin=bool(caller and caller.is_admin))


@pages.get("/designer/new")
@signed_in
def designer_new():  # type: ignore[no-untyped-def]
    caller = page_caller()
    if caller is None or not caller.models:
        abort(403, gettext("Only analysts and administrators create processes."))
    return render_template("modeler.html", config=page_config(key=None), title=gettext("New process"))


@pages.get("/designer/<key>")
@signed_in
def designer_open(key: str):  # type: ignore[no-untyped-def]
    return render_template("modeler.html", config=page_config(key=key), title=key)


@pages.get("/users")
@signed_in
def users_page():  # type: ignore[no-untyped-def]
    caller = page_caller()
    if caller is None or not caller.is_admin:
        abort(403, gettext("Only administrators manage users."))
    return render_template("users.html", config=page_config(), title=gettext("Users"))


@pages.get("/instances/<instance_id>")
@signed_in
def instance_page(instance_id: str):  # type: ignore[no-untyped-def]
    return render_template("viewer.html", config=page_config(instance=instance_id),
                           title=gettext("Instance %(id)s", id=instance_id))
