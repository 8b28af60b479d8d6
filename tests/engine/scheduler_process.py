"""A scheduler in a process of its own, for the kill -9 tests (tests/engine/test_reliable_kill9.py):
the Scheduler of ``charkh serve`` and ``charkh scheduler`` on the database CHARKH_DATABASE_URL names,
with the in-process broker (the tests send no jobs). Prints "ticking" once it runs.

    python tests/engine/scheduler_process.py DATA_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from connectors.broker import Dispatch, Scheduler  # noqa: E402
from engine.charkh import Charkh  # noqa: E402
from engine.settings import Settings  # noqa: E402


def main() -> None:
    charkh = Charkh(Settings.from_env(sys.argv[1]))
    scheduler = Scheduler(charkh, Dispatch(charkh, None), interval=0.05)
    print("ticking", flush=True)
    scheduler.run()


if __name__ == "__main__":
    main()
