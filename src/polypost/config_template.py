"""The polypost.toml `polypost init` writes: every setting with its default and what it does."""

CONFIG_TEMPLATE = """\
# polypost settings. Environment variables (POLYPOST_DB, POLYPOST_BASE_URL, POLYPOST_ENGINE,
# POLYPOST_OUT, POLYPOST_WORKERS) override this file; command-line options override both.

[site]
# Absolute URL where the published site lives: hreflang, canonical and sitemap links use it.
base_url = "http://localhost:8000/"
title = "My blog"
# The title in each language, where it differs: titles = { es = "Mi blog" }
source_lang = "en"
# es: neutral Spanish (ustedes); es-419 (or es-MX, es-AR, ...): Latin America; es-ES: Spain (vosotros).
target_lang = "es"
# Where `polypost publish` and `polypost run` write the site.
out_dir = "site"
# html: a static site; hugo: Hugo content, content/posts/<slug>/index.html and index.es.html
format = "html"
# Hugo: "html" content files (a stock Hugo renders them as they are), or "md" (HTML inside Markdown:
# needs markup.goldmark.renderer.unsafe = true); "bundles" (index.es.html beside index.html) or
# "folders" (content/en/posts/..., content/es/posts/...: set each language's contentDir).
# hugo_content_ext = "html"
# hugo_layout = "bundles"
# A new translation's slug: "translated" (from its translated title) or "source" (the original's,
# so /es/grow-on-instagram/ beside /en/grow-on-instagram/). A post's own `slug_es` (front matter, or
# <meta name="slug_es"> in an HTML fragment) wins over both; a published slug never changes otherwise.
# translation_slugs = "translated"
# Posts per home page (/es/page/2/ ...), and the newest posts each feed lists (0: every post).
# page_size = 20
# feed_size = 50
# The version search engines show when no language matches the reader.
x_default = "en"
# Language subdomains instead of language folders, e.g.
# lang_base_urls = { es = "https://es.example.com/" }
# A folder of your own Jinja2 templates, searched before polypost's.
# templates_dir = "templates"

[sources]
# What `polypost run` ingests when no SOURCE is given.
paths = ["posts"]

[translate]
# auto: an installed Argos en->es package, else Apertium.
engine = "auto"
# Glossary files; empty means every glossaries/*.en-es.tsv shipped with polypost.
glossaries = []
use_glossary = true
# Hold back (do not publish) any post where a glossary term was missed.
glossary_strict = false
beam_size = 2
# default/informal: tú; formal: usted. The target variant's post-editing rules (postedit/ beside
# this file adds your own) run on machine output unless postedit = false.
formality = "default"
postedit = true
# Names a post uses that the engine would translate word by word ("Daring Fireball", not "Osando
# Fireball"), found with Apertium's English analyser, kept as written in titles, slugs and bodies.
# keep_names = true

[share]
# utm_campaign of share links and share kits; "{slug}" becomes the post's slug (the default).
# campaign = "spanish-launch"
# Networks with share links on each page and texts in `polypost share` (default: all of
# x, linkedin, facebook, whatsapp, telegram).
# networks = ["x", "linkedin"]

[qa]
# QA checks that hold a post back from publishing (it stays "flagged" for review):
# placeholders (markup that found no place), markup (placed by a loose fallback), cut-off (a
# sentence stopped at the model's decoding limit), numbers, repetition, untranslated, empty,
# length, truncated (fewer sentences), second-look, glossary.
hold_back = ["placeholders", "cut-off"]
# Bounds of target/source length; 0 learns them from your translations.
min_length_ratio = 0
max_length_ratio = 0

[store]
db = "data/polypost.db"

[cluster]
# A Dask scheduler whose workers translate (needs `pip install 'polypost[distributed]'`);
# POLYPOST_WORKERS and --workers override it. Empty: translate in this process.
# scheduler = "tcp://10.0.0.5:8786"
"""
