"""`python -m sopkit` runs the command line."""

from sopkit.cli.entry import run

run()
