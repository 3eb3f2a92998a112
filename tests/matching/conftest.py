"""Shared helpers for the matching engine tests."""
