import re

from polypost.slugs import slugify, unique_slug

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_accents_are_folded_and_punctuation_becomes_hyphens():
    assert slugify("Cómo migramos la integración continua a GitHub Actions") == (
        "como-migramos-la-integracion-continua-a-github-actions"
    )
    assert slugify("¿Qué es un año bisiesto? ¡Pingüinos!") == "que-es-un-ano-bisiesto-pinguinos"
    assert slugify("Don't panic: C++ & Rust in 2025") == "dont-panic-c-rust-in-2025"


def test_slugs_are_safe_ascii_for_any_script():
    for title in ["Ελληνικά νέα", "Москва зимой", "東京の夜", "  --Hello__World--  ", "naïve café"]:
        slug = slugify(title)
        assert SAFE.match(slug), (title, slug)


def test_nothing_usable_gives_empty_slug_and_unique_slug_falls_back():
    assert slugify("!!! ??? …") == ""
    taken: set[str] = set()
    assert unique_slug("🎉🎉", taken) == "post"
    assert unique_slug("🎉", taken) == "post-2"


def test_long_titles_are_cut_at_a_word_boundary():
    title = "Una guía muy larga sobre la configuración de servidores " * 4
    slug = slugify(title, max_length=60)
    assert len(slug) <= 60
    assert SAFE.match(slug)
    full = slugify(title, max_length=1000)
    assert full.startswith(slug)
    assert full[len(slug)] == "-"  # cut between words, not inside one


def test_unique_slug_appends_numbers_and_records_what_it_gave():
    taken = {"hola-mundo"}
    assert unique_slug("Hola, mundo", taken) == "hola-mundo-2"
    assert unique_slug("Hola mundo", taken) == "hola-mundo-3"
    assert {"hola-mundo", "hola-mundo-2", "hola-mundo-3"} == taken
    assert unique_slug("Adiós", taken) == "adios"


def test_unique_slug_keeps_the_length_limit_with_a_suffix():
    long_title = "a" * 100
    taken: set[str] = set()
    first = unique_slug(long_title, taken)
    second = unique_slug(long_title, taken)
    assert len(first) == 80 and len(second) == 80
    assert second.endswith("-2") and second != first
