"""Checking a handbook: which files, each file on its own, the rules, the cache and the
worker processes.

- :mod:`.handbook`: :func:`~sopkit.check.handbook.check_handbook`, the whole check in order
  (start here);
- :mod:`.discover`: which files, and the names reports give them;
- :mod:`.files` and :mod:`.file_check`: each procedure file on its own (load, schema, the
  checks of one file), with :mod:`.workers` for many files and :mod:`.documents` for the
  valid procedures, loaded when asked for;
- :mod:`.runner`: the one place the rules run; :mod:`.findings`: a finding's position and
  its configured severity; :mod:`.diagnostics`: what a report shows;
- :mod:`.cache`: what a re-run need not work out again (a package: lookup, entries, store,
  folder, keys).

Kept light on purpose: ``sopkit validate`` imports this package on its quick path.
"""
