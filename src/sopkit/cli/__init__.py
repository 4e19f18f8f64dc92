"""The command line. Its modules, from the way in:

- ``entry.py``: the console script; runs ``sopkit validate [PATH...]`` itself on the quick
  path (no click), and hands everything else to the command line;
- ``main.py``: the command line, a click group with every command's options and help
  (the review commands in ``review_commands.py``, the setting-up ones in
  ``setup_commands.py``; ``usage.py`` says a usage problem in one line);
- ``validate.py``: what `sopkit validate` does, for both ways in, without click;
- ``exit_codes.py``: the one ExitCode enum;
- ``scaffold.py``: the files ``init`` and ``new`` write; ``docs_gen.py`` writes docs/rules.md.

Kept light on purpose: the console entry point imports this package before anything else.
"""
