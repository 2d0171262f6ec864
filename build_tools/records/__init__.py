"""Stage 1: records — read, schema-check, model and cross-check the YAML files under data/.

safeyaml (safe parsing) -> schemas / fastcheck (schema check) -> load (the tree) -> model (typed views)
-> crossfields + validate (cross-record checks); codes (check digits) and privacy (masking) are the
record-level rules the others share; messages and problems say what is wrong, in Chinese.
"""
