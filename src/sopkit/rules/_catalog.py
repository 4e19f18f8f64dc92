"""Imports every rule module so that each registers itself. Add new rules here."""
