"""`python -m sopkit` runs the command line."""

from sopkit.entry import run

run()
