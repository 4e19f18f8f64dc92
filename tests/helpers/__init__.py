"""Helpers shared by test modules: handbooks, repositories, fuzzing strategies, a browser.

Test modules import from here, never from one another.
"""
