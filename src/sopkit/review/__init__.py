"""Reviewing changes: git, what changed between two revisions for the people who follow the
procedures (and its reports), and CODEOWNERS for routing pull-request reviews."""
