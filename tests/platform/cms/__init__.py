"""The plugin inside Studio: author view, editor and saving, with the platform's course roles."""
