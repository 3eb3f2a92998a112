/* The pair workspace in the program block: loaded into .mentoring-workspace-root by the workspace handlers. */
