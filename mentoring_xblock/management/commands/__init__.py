"""``python -m django mentoring_*`` commands."""
