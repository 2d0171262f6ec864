"""Build tools of the third-party environmental service platform.

The pipeline, one folder a stage:
  records/    data/ -> Dataset (+ problems): reading, schema check, model, cross-record validation
  inputs/     what compute needs besides the records (git history, ...), read once
  compute/    Dataset -> scores, statistics, the Q&A index (pure)
  render/     Dataset + computed -> pages, indexes, charts
  cache/      content-hash caches of validation results and finished pages
  submit/     the ways records come in (issue forms, intake bot, `new`, ownership, notice import)
  commands/   `python -m build_tools <command>`
  pipeline.py runs the stages; hooks/ only wires it into mkdocs
"""
