"""Build tools of the third-party environmental service platform.

The pipeline, one module a stage:
  load.py / validate.py  data/ -> Dataset (+ problems)
  compute/               Dataset -> scores, statistics (pure)
  render/                Dataset + computed -> pages, indexes, charts
  pipeline.py            runs the stages; hooks/ only wires it into mkdocs
"""
