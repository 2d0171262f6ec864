"""The ways records come in: issue forms (formspec, forms), the form-to-record bot (intake), the terminal
questionnaire (scaffold), the ownership check of pull requests, and the import of official notices."""
