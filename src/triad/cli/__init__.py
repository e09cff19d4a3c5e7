"""The command line: one typer app (``app.py``) and a thin module per command, named after it.

A module of several commands is named after what they share (``runs``: run, runs and
show; ``scenarios``: scenarios, validate, scenario and schema). Each command parses its
arguments, calls the library and prints; errors are :class:`~triad.errors.TriadError` s
that the app reports with exit code 2. A command module imports the library inside its
commands, not at the top, so that ``triad --help`` stays fast (``tests/test_startup.py``).
The options several commands share are declared once in ``options.py``; progress bars
live in ``progress.py``, tables that fit the terminal in ``tables.py``.
"""
