"""Tests that run inside a real edx-platform (LMS in ``lms/``, Studio in ``cms/``); skipped elsewhere."""
