"""The sources and the ingest stage (`stage.py`): one reader module per kind of input (files, wxr,
feed, sitemap, web), each yielding SourcePost or SourceProblem and registered through the
`register_sources` hook (`registry.py`); `kinds.py` guesses a kind, `http.py` fetches politely."""
