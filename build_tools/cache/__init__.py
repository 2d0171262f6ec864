"""Build caches, keyed by content hash: validation results (validation.py), the stat index that skips
unchanged files (statindex.py) and finished pages (pages.py). Each can be turned off; none changes output."""
