"""sopkit: standard operating procedures as code."""

__version__ = "0.1.0"
REPOSITORY = "sopkit/sopkit"
"""sopkit's repository on GitHub (owner/name), as pyproject.toml's URLs name it: the workflow
`sopkit init` writes uses its action, and the pre-commit config its hooks, at the tag of the
version that wrote them (``v`` + ``__version__``); the release workflow checks it."""
