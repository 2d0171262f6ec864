"""Stage 4 (besides mkdocs): files the build writes straight into the site folder."""
