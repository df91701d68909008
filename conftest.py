"""Repository-root conftest: gives the test suite pytest's ``pytester`` fixture."""

pytest_plugins = ["pytester"]
