"""Suite-wide defaults set by the pytest plugin and read by the core.

This module imports nothing, so the plugin can write to it at start-up
without pulling pydantic or deepdiff into a suite that never uses them.
"""

#: The validation profile used when a call passes ``strict=None``. The plugin
#: sets it from the ``fim_strict`` ini option or the ``--fim-strict`` flag.
default_strict: bool = False

#: pytest's verbosity for assertions (``-v``, or pytest 8's ``verbosity_assertions``
#: ini option), so failure text can show more under ``-vv``.
verbosity: int = 0
