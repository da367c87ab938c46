"""The speed benchmark of the companion: realistic pages (``bench.pages``) and the timed run
through the real HTTP API (``bench.run``). Start it with ``./scripts/bench``."""
