"""Spiders: each only knows how to find article URLs; extraction is the core's job."""
