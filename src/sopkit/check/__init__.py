"""Checking a handbook: which files, each file on its own, the handbook as a whole (with the
cache and the worker processes), and the reports of what was found.

Kept light on purpose: ``sopkit validate`` imports this package on its quick path.
"""
