"""Inputs besides the records that compute needs (git history, access logs, configuration): read once."""
