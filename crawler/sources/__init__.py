"""Listing documents (sitemaps, feeds, archives) to article URLs: pure parsing, no I/O."""
