"""Mentoring program XBlocks and Django app for Open edX."""

__version__ = "0.1.0"
