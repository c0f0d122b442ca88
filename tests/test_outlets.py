"""Outlet registry, detection order and wire syndication."""

from pathlib import Path

import pytest

from biascheck.errors import ConfigError
from biascheck.outlets import hostname, load_registry
from biascheck.types import OUTLET_TYPES

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def seed(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_registry_covers_the_topic(registry):
    outlets = registry.all()
    assert len(outlets) >= 40
    assert {o.outlet_type for o in outlets} <= set(OUTLET_TYPES)
    assert len({o.name.casefold() for o in outlets}) == len(outlets)
    expected = {
        "Reuters": "wire", "AP": "wire", "AFP": "wire", "Bloomberg": "wire", "dpa": "wire",
        "RT": "state-affiliated", "Sputnik": "state-affiliated", "TASS": "state-affiliated",
        "RIA Novosti": "state-affiliated", "CGTN": "state-affiliated", "Xinhua": "state-affiliated",
        "Global Times": "state-affiliated",
        "BBC": "public-broadcaster", "NPR": "public-broadcaster", "PBS": "public-broadcaster",
        "DW": "public-broadcaster", "France 24": "public-broadcaster", "RFE/RL": "public-broadcaster",
        "VOA": "public-broadcaster",
        "New York Times": "national", "Washington Post": "national", "Wall Street Journal": "national",
        "The Guardian": "national", "The Telegraph": "national", "CNN": "national", "Fox News": "national",
        "Le Monde": "national", "Der Spiegel": "national", "Politico": "national",
        "RKS": "national", "RTK": "public-broadcaster", "N1": "national", "B92": "national",
        "Kyiv Independent": "national", "Ukrainska Pravda": "national",
        "Breitbart": "partisan", "The Gateway Pundit": "partisan", "Stalker Zone": "partisan",
    }
    for name, kind in expected.items():
        outlet = registry.get(name)
        assert outlet is not None, name
        assert outlet.outlet_type == kind, name
        assert outlet.domains and outlet.country, name


def test_contested_types_carry_a_note(registry):
    for name in ("RFE/RL", "VOA", "Al Jazeera", "RT", "Newsmax"):
        assert registry.get(name).note, name
    assert "US-government funded" in registry.get("RFE/RL").note
    assert "US-government funded" in registry.get("VOA").note
    assert "Qatar" in registry.get("Al Jazeera").note


def test_lookup_by_alias_and_domain(registry):
    assert registry.get("Associated Press").name == "AP"
    assert registry.get("cnn (web news)").name == "CNN"
    assert registry.get("New York Times - News").name == "New York Times"
    assert registry.by_domain("https://edition.cnn.com/2020/01/01/x.html").name == "CNN"
    assert registry.by_domain("www.rferl.org/a/30440727.html").name == "RFE/RL"
    assert registry.by_domain("https://notcnn.com/x") is None
    assert registry.get("No Such Outlet") is None
    assert hostname("HTTPS://WWW.Example.COM:8080/a?b=1") == "example.com"


# Each sample alone, without its manifest: (url, outlet, type, publisher, detected_by)
SAMPLE_DETECTION = {
    "000": ("https://wsls.com/news/world/2021/05/20/us-russia-hold-parallel-military-drills-in-the-balkans",
            "AP", "wire", "WSLS 10", "signature"),
    "001": ("https://www.wnctimes.com/news/2194-russia-sends-s-400-missile-defense-systems-to-serbia-for-military-drill",
            "Reuters", "wire", "WNC Times", "signature"),
    "002": ("https://www.stalkerzone.org/the-russian-defence-ministry-has-established-itself-in-serbia/",
            "Stalker Zone", "partisan", "Stalker Zone", "url"),
    "003": ("https://rks.news/serbia-strengthens-military-ties-with-russia-they-discuss-regional-stability",
            "RKS", "national", "RKS", "url"),
    "004": ("https://sputniknews.com/europe/201704101052476823-russia-serbia-military-exercises-cooperation/",
            "Sputnik", "state-affiliated", "Sputnik", "url"),
}


@pytest.mark.parametrize("prefix", sorted(SAMPLE_DETECTION))
def test_sample_detection_from_url_and_text(registry, prefix):
    url, outlet, kind, publisher, by = SAMPLE_DETECTION[prefix]
    found = registry.attribute(url=url, text=seed(prefix))
    assert (found.outlet, found.outlet_type, found.publisher, found.detected_by) == (outlet, kind, publisher, by)


@pytest.mark.parametrize("prefix, outlet", [("000", "AP"), ("001", "Reuters"), ("004", "Sputnik")])
def test_sample_detection_from_text_alone(registry, prefix, outlet):
    found = registry.attribute(text=seed(prefix))
    assert (found.outlet, found.detected_by) == (outlet, "signature")


def test_wire_story_on_unknown_local_site_keeps_publisher(registry):
    found = registry.attribute(url="https://www.smalltownnews.example/story/1", text=seed("001"))
    assert (found.outlet, found.outlet_type, found.publisher) == ("Reuters", "wire", "smalltownnews.example")


def test_wire_site_itself_and_non_wire_signatures(registry):
    found = registry.attribute(url="https://www.reuters.com/world/x", text=seed("001"))
    assert (found.outlet, found.publisher, found.detected_by) == ("Reuters", "Reuters", "url")
    # A non-wire signature ("told Sputnik") on another outlet's site is a quote, not a reprint.
    found = registry.attribute(url="https://www.bbc.com/news/x", text=seed("004"))
    assert (found.outlet, found.outlet_type) == ("BBC", "public-broadcaster")


def test_credits_are_weaker_than_signatures(registry):
    caption = "Soldiers march in Belgrade. (Defense Ministry via AP)\n\n"
    story = caption + "Serbia and Russia held drills on Thursday, the ministry said."
    # A national outlet runs wire photos beside its own reporting: a photo credit is not a reprint.
    assert registry.attribute(url="https://www.nytimes.com/x", text=story).outlet == "New York Times"
    # A regional site (or an unknown one) running a wire-credited story is taken as a reprint.
    assert registry.attribute(url="https://wsls.com/x", text=story).outlet == "AP"
    assert registry.attribute(url="https://tv.example/x", text=story).outlet == "AP"
    # A dateline beats a credit that comes earlier in the text.
    assert registry.attribute(text=caption + "MOSCOW (Reuters) - Talks ended.").outlet == "Reuters"
    # Quoting Sputnik on an unknown site does not make the site Sputnik.
    quoted = "An analyst told Sputnik that the talks would fail."
    assert registry.attribute(url="https://blog.example/x", text=quoted).outlet == "blog.example"
    assert registry.attribute(text=quoted).outlet == "Sputnik"


def test_explicit_outlet_wins(registry):
    found = registry.attribute(url="https://www.bbc.com/news/x", text=seed("001"), outlet="AFP", publisher="BBC")
    assert (found.outlet, found.outlet_type, found.publisher, found.detected_by) == ("AFP", "wire", "BBC", "manifest")
    found = registry.attribute(outlet="Associated Press", explicit_by="field")
    assert (found.outlet, found.detected_by) == ("AP", "field")


def test_unknown_outlets_never_crash(registry):
    assert registry.attribute().outlet == "unknown"
    assert registry.attribute(text="Nothing to see here.").outlet_type == "unknown"
    found = registry.attribute(outlet="Some Blog")
    assert (found.outlet, found.outlet_type) == ("Some Blog", "unknown")
    found = registry.attribute(url="https://blog.example.org/post")
    assert (found.outlet, found.outlet_type, found.publisher) == ("blog.example.org", "unknown", "blog.example.org")
    assert registry.attribute(url="not a url at all").outlet_type == "unknown"


def test_user_file_adds_and_overrides(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[outlet]]\nname = "Sputnik"\ndomains = ["sputnik.example"]\ntype = "partisan"\n\n'
        '[[outlet]]\nname = "Balkan Daily"\ndomains = ["balkandaily.example"]\ntype = "regional"\ncountry = "RS"\n'
        "signatures = ['\\(BD\\) -']\n",
        encoding="utf-8",
    )
    base = load_registry()
    registry = load_registry(extra)
    assert len(registry) == len(base) + 1
    assert registry.get("Sputnik").outlet_type == "partisan"
    assert registry.by_domain("sputniknews.com") is None  # the whole entry was replaced
    assert registry.by_domain("https://balkandaily.example/a").name == "Balkan Daily"
    assert registry.attribute(text="BELGRADE (BD) - Talks went on.").outlet == "Balkan Daily"


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[[outlet]]\nname = ", "not valid TOML"),
        ('[[outlet]]\ntype = "wire"\n', "has no 'name'"),
        ('[[outlet]]\nname = "X"\ntype = "tabloid"\n', "'tabloid' is not one of"),
        ('[[outlet]]\nname = "X"\ndomains = "x.com"\n', "'domains' must be a list"),
        ("[[outlet]]\nname = \"X\"\nsignatures = ['(unclosed']\n", "not a valid regular expression"),
        ('[[outlet]]\nname = "X"\nwebsite = "x.com"\n', "unknown key(s) website"),
        ('outlet = "X"\n', "expected [[outlet]] tables"),
    ],
)
def test_malformed_user_file(tmp_path, content, problem):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_registry(path)
    assert str(path) in str(e.value)
    assert problem in str(e.value)


def test_missing_or_binary_user_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_registry(tmp_path / "nope.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="bin.toml"):
        load_registry(tmp_path / "bin.toml")
