"""Settings: defaults < polypost.toml < environment < options; errors name file, line, key."""

from __future__ import annotations

import pytest

from polypost.config import ConfigError, load_config, write_config_template


def test_template_loads_and_layers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_config_template(tmp_path)
    config = load_config(environ={})
    assert config.config_path == "polypost.toml"
    assert config.sources == ["posts"]
    assert config.engine == "auto"
    config = load_config(environ={"POLYPOST_ENGINE": "apertium", "POLYPOST_DB": "x/y.db"})
    assert config.engine == "apertium" and config.db_path == "x/y.db"
    config = load_config(environ={"POLYPOST_ENGINE": "apertium"}, engine="argos", db_path=None)
    assert config.engine == "argos"
    assert path.read_text().startswith("# polypost settings")
    with pytest.raises(ConfigError, match="already exists"):
        write_config_template(tmp_path)


@pytest.mark.parametrize(
    "body, expected",
    [
        ('[site]\nbase_url = "https://x/"\nbogus = 1\n', r"polypost.toml:3: unknown key site.bogus"),
        ('[site]\nformat = "pdf"\n', r"polypost.toml:2: site.format: must be one of html, hugo"),
        ('[translate]\n\nbeam_size = "four"\n', r"polypost.toml:3: translate.beam_size: expected int"),
        ('[site]\npage_size = 0\n', r"polypost.toml:2: site.page_size: must be at least 1, got 0"),
        ('[site]\nfeed_size = -1\n', r"polypost.toml:2: site.feed_size: must be at least 0, got -1"),
        ('[nope]\nx = 1\n', r"polypost.toml:1: unknown section \[nope\]"),
        ('[site\nbase_url = 1\n', r"polypost.toml: invalid TOML: .*line 1"),
    ],
)
def test_bad_config_names_file_line_and_key(tmp_path, body, expected):
    path = tmp_path / "polypost.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=expected):
        load_config(path, environ={})


def test_missing_and_undecodable_config(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "none.toml", environ={})
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[site]\ntitle = "Espa\xf1a"\n')
    with pytest.raises(ConfigError, match="latin1.toml: not UTF-8"):
        load_config(bad, environ={})


def test_default_glossaries_are_the_shipped_pair_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(environ={})
    assert [p.name for p in config.glossary_paths()] == ["marketing.en-es.tsv"]
    assert load_config(environ={}, use_glossary=False).glossary_paths() == []


def test_qa_settings_are_checked(tmp_path):
    path = tmp_path / "polypost.toml"
    path.write_text('[qa]\nhold_back = ["untranslated", "vibes"]\n')
    with pytest.raises(ConfigError, match=r"polypost.toml:2: qa.hold_back: unknown QA check 'vibes'"):
        load_config(path, environ={})
    path.write_text('[qa]\nhold_back = ["untranslated"]\nmax_length_ratio = 2.5\n')
    config = load_config(path, environ={})
    assert config.hold_back == ["untranslated"] and config.max_length_ratio == 2.5


def test_share_settings_reach_the_pages_and_the_kits(tmp_path):
    from polypost.publish.stage import publish_settings

    path = tmp_path / "polypost.toml"
    path.write_text('[share]\ncampaign = "launch-{slug}"\nnetworks = ["x", "myspace"]\n')
    with pytest.raises(ConfigError, match=r"polypost.toml:3: share.networks: unknown network 'myspace'"):
        load_config(path, environ={})
    path.write_text('[share]\ncampaign = "launch-{slug}"\nnetworks = ["x", "linkedin"]\n')
    settings = publish_settings(load_config(path, environ={}))
    assert settings.share_networks == ("x", "linkedin") and settings.share_campaign == "launch-{slug}"
