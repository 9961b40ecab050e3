"""English."""

from __future__ import annotations

from polypost.languages.facts import LanguageFacts

FACTS = LanguageFacts(
    code="en",
    name="English",
    og_locale="en_US",
    stop_words=frozenset("""the and of to is in it that for you was with on as are be this have from or
        by at not but what all were when we there can an which their said if will my one would who
        so out about up them how do your its our they has just than been why i here more""".split()),
    abbreviations=frozenset(
        """mr mrs ms mx dr prof rev hon st sr jr messrs mmes gen col capt lt sgt cmdr gov sen rep pres
        mt ft e.g i.e eg ie vs v cf viz approx ca al dept est fig figs eq eqs""".split()),
    months=("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"),
    long_date="{month} {day}, {year}",
    ui_text={
        "switch_to": "Read in English",
        "language_name": "English",
        "by": "By",
        "comments": "Comments",
        "newer": "Newer posts",
        "older": "Older posts",
        "page_of": "Page {page} of {pages}",
        "no_posts": "No posts yet.",
        "feed": "Subscribe (Atom feed)",
        "tags": "Tags",
        "tagged": "Posts tagged “{tag}”",
        "original": "original",
        "skip": "Skip to content",
        "choose": "Choose a language",
        "pagination": "Pages",
        "languages": "Languages",
        "share": "Share on",
        "not_found": "Page not found",
        "not_found_text": "There is nothing at this address. The home page lists every post:",
        "home": "Home",
    },
)
