"""The command line: one typer app, one thin module per command group."""
