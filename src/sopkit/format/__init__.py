"""The procedure format: YAML loading with positions, the JSON Schemas, and small helpers
every stage shares (dates, words, where sopkit's data folders are).

Kept light on purpose: ``sopkit validate`` imports this package on its quick path.
"""
