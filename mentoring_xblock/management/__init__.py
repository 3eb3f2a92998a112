"""Management commands of the mentoring app."""
