"""Development support for the XBlock SDK workbench (never used in the LMS).

Settings, a user service that maps the workbench's ``?student=`` to real Django users, and a demo
landing page.
"""
