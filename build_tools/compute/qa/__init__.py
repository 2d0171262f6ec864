"""智能问答: the index built at build time (index.py) and the query side that scores it (retrieval.py)."""
