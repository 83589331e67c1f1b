"""The provenance report: a static, self-contained HTML site of what a crawl found.

``crawler report -o DIR`` (``cli.py``) reads records from JSON Lines or the state store,
``model.py`` turns them into articles, posts, outlets and accounts, ``figures.py`` lays out the
charts and the outlet/account graph at build time, and ``render.py`` writes the pages with
Jinja2 templates (``templates/``) plus one stylesheet and one small script (``static/``).

Jinja2, networkx and numpy are the optional ``report`` extra: import this package's modules
only when a report is asked for.
"""

from __future__ import annotations

REQUIREMENTS = ("jinja2", "networkx", "numpy")


def missing_requirements() -> list[str]:
    """The report's libraries that are not installed (empty when it can be built)."""
    from importlib.util import find_spec

    return [name for name in REQUIREMENTS if find_spec(name) is None]
