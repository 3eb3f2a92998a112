"""The service layer: every rule of the product lives here once.

Services write (and validate, and check permissions); ``mentoring_xblock.selectors`` read.
Handlers, the admin, management commands and Celery tasks all call these functions.
"""
