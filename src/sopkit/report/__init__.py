"""Reporters: what was found, as text for a terminal, a script, a CI log or a pull request.

Reporters only format; they never decide (what is a problem, which exit code it earns:
that is the check's and the command line's). :mod:`.validation`, :mod:`.sarif` and :mod:`.gitlab`
write `sopkit validate`'s report, :mod:`.diff` writes `sopkit diff`'s. Every one of them shows
procedure text through the one escape policy of :mod:`sopkit.format.terminal`.

This package imports the types it reports (sopkit.check.diagnostics, sopkit.review.diff);
the check and the review never import it, so the dependency goes one way.
"""
