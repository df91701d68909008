"""The plugin pytest's autoloading registers as ``fim`` (the ``pytest11`` entry point).

It only asks pytest to load :mod:`pytest_fim.plugin`, where the hooks and
fixtures live. Kept apart so that a suite may also name that module itself
(``-p pytest_fim.plugin`` in ``addopts``, ``pytest_plugins =
["pytest_fim.plugin"]`` in a conftest) with autoloading on or off: pytest
skips a plugin already registered under the name it is given, but refuses
one module registered under two names ("Plugin already registered under a
different name"). ``-p no:fim`` still blocks the plugin: this module is what
loads it.
"""

pytest_plugins = ["pytest_fim.plugin"]
