"""Run the command line: ``python -m triad``."""

from triad.cli.app import main

main()
