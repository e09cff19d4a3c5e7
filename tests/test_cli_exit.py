"""The command line ends its process at once, yet as Python would: codes, output, handlers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from triad.cli.app import exit_code


def run_main(args: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """``triad ARGS`` through ``cli.app.main`` in a fresh interpreter, after ``before``."""
    code = textwrap.dedent(f"""
        import sys
        {before}
        sys.argv = ["triad", *{args!r}]
        from triad.cli.app import main
        main()
        print("not reached")
    """)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_command_that_succeeds_ends_with_0_and_all_its_output() -> None:
    done = run_main(["scenarios"])
    assert done.returncode == 0, done.stderr
    assert "baseline" in done.stdout and "troop_surge" in done.stdout
    assert "not reached" not in done.stdout


def test_bad_input_ends_with_2_and_its_message() -> None:
    done = run_main(["validate", "no_such_scenario.yaml"])
    assert done.returncode == 2
    assert "no scenario file or bundled scenario named 'no_such_scenario.yaml'" in done.stderr


def test_exit_handlers_and_threads_finish_before_the_process_ends() -> None:
    before = textwrap.dedent("""
        import atexit, threading
        atexit.register(lambda: print("handler ran", flush=False))
        def after_main() -> None:
            threading.main_thread().join()  # returns once the command has ended
            print("thread finished", flush=False)
        threading.Thread(target=after_main).start()
    """).replace("\n", "\n        ")
    done = run_main(["scenarios"], before)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("thread finished\nhandler ran")


@pytest.mark.parametrize(
    ("code", "expected"), [(None, 0), (0, 0), (2, 2), (130, 130), ("stopped", 1)]
)
def test_exit_codes_are_pythons(code: object, expected: int) -> None:
    assert exit_code(code) == expected
