"""Importers of official sources, each built like `import-notices` (build_tools/notices.py):

* `import-agencies`  official lists (环境监测服务机构名单, 危险废物经营许可证企业名单, 环境影响评价机构名单)
                     -> data/official/qualifications/ (+ new data/agencies/<id>/ for unknown credit codes)
* `import-credit`    credit records (行政处罚, 经营异常, 严重失信) -> data/official/credit/
* `import-policies`  portal exports and feeds (CSV/XLSX/JSON/RSS/Atom) -> data/policies/
* `import-letters`   published mailbox letters -> data/faq/

Shared by all: `table` reads the files (CSV in UTF-8/BOM/GBK/GB18030, XLSX, JSON, feeds) into numbered rows,
`cells` parses messy cells, `store` writes records (create-only, or importer-owned records updated only
while nobody edited them by hand) and prints the report.
"""
