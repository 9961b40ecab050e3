"""A web page read as a post: the article region (`extract.py`), its metadata (`metadata.py`) and
reader comments (`comments.py`)."""
