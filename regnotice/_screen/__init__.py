"""Screening internals: the term matcher (``matcher``)."""
