"""The publish stage: the bilingual static site (or Hugo content), sitemap and feeds.

`stage.py` is the stage (store and config in); `site.py` plans the pages and writes the site
through a publisher (`html.py`, `markdown.py`, or a plugin's) found in `registry.py`;
`records.py` holds what passes between them.
"""
