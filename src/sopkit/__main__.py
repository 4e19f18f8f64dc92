"""`python -m sopkit` runs the command line."""

from sopkit.cli import run

run()
