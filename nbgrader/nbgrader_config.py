# nbgrader's settings for the course's assignments (nbgrader/source/chNN-<lang>/, written by `make exercises`).
# A teacher runs nbgrader from this folder (or copies it, with source/, into the course folder on the hub).
c = get_config()  # noqa: F821 (nbgrader provides it)

# The course folder is this one: source/ (generated), release/, submitted/, autograded/, feedback/ and the
# gradebook (gradebook.db) are made here by nbgrader.
c.CourseDirectory.root = __import__("os").path.dirname(__file__) or "."

# Each solution region is handed out as the exercise notebook's own stub (the lines around the region, in the
# edition's language), so nbgrader's stub is empty: no "raise NotImplementedError()", and the self-check still
# says "not attempted yet" for an untouched task.
c.ClearSolutions.code_stub = {"python": ""}

# The notebooks load small models and train for a few seconds: more time per cell than nbgrader's 30 s.
c.Execute.timeout = 600
