"""The plugin inside the LMS: settings, rendering, handlers, grades, completion, course import/export."""
