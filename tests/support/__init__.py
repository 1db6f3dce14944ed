"""Helpers shared by the whole test suite (importable as `support.*`: pytest puts
`tests/` on sys.path when it loads the root conftest)."""
