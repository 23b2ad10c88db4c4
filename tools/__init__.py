"""Developer tools and one-off studies, run from a checkout (`python -m tools.<name>`); not installed with the package."""
