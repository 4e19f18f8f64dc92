"""The command line: the console entry point (with the quick way for ``sopkit validate``), the
click commands, ``init`` and ``new``, and the generator of docs/rules.md.

Kept light on purpose: the console entry point imports this package before anything else.
"""
