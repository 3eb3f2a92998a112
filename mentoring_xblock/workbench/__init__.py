"""
Development support for the XBlock SDK workbench: settings, a user service that maps the
workbench's ``?student=`` to real Django users, and a demo landing page. Not used in the LMS.
"""
