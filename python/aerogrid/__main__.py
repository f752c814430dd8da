"""``python -m aerogrid [ENTRYPOINT]``: run a user's app the way the platform does.

Executes the entrypoint (argument, else ``$AEROGRID_ENTRYPOINT``, else
``app.py``) as ``__main__``, then serves the ``aerogrid.App`` it created on
``$AEROGRID_HOST`` (127.0.0.1) and ``$PORT`` until SIGTERM. A script that
creates no App (say, one serving ``$PORT`` itself) simply runs. Exit codes: 0
after a clean stop, 1 when the script fails to load or the app cannot be
served, 2 when the entrypoint does not exist.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
import types
from typing import Any

from .application import App, last_app


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    entrypoint = args[0] if args else os.environ.get("AEROGRID_ENTRYPOINT") or "app.py"
    path = os.path.abspath(entrypoint)
    if not os.path.isfile(path):
        print(f"aerogrid: entrypoint {entrypoint!r} not found in {os.getcwd()}", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # the app's prints reach the platform's logs promptly

    # While the script loads (or if it serves $PORT itself), SIGTERM ends it with exit code 0.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        module = _execute(path, args[1:])
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(f"aerogrid: failed to load {entrypoint}:", file=sys.stderr)
        traceback.print_exception(type(exc), exc, _from_script(exc.__traceback__, path), file=sys.stderr)
        return 1

    candidate = module.__dict__.get("app")
    app = candidate if isinstance(candidate, App) else last_app()
    if app is None or app.started:
        # A plain script, or one that ran its App itself: let its remaining threads run as they would under python.
        if signal.getsignal(signal.SIGTERM) is _exit_on_sigterm:
            signal.signal(signal.SIGTERM, previous)
        return 0
    try:
        app.run()  # replaces the SIGTERM handler with its own graceful one
    except OSError as exc:
        print(f"aerogrid: cannot serve {entrypoint}: {exc}", file=sys.stderr)
        return 1
    return 0


def _execute(path: str, extra_args: list[str]) -> types.ModuleType:
    """Run the script as the ``__main__`` module, as ``python app.py`` would."""
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec")
    module = types.ModuleType("__main__")
    module.__file__ = path
    sys.modules["__main__"] = module
    sys.argv = [path, *extra_args]
    sys.path[0] = os.path.dirname(path)
    exec(code, module.__dict__)
    return module


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _from_script(tb: types.TracebackType | None, path: str) -> types.TracebackType | None:
    """The traceback without this runner's own frames."""
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    return tb


if __name__ == "__main__":
    sys.exit(main())
