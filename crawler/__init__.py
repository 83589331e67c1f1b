"""Social-embed and provenance crawler: which posts an article cites, under whose rights."""

__version__ = "0.1.0"
