"""CITATION.cff is valid Citation File Format 1.2.0; metadata.yml follows the AMB profile for OER."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_citation_has_the_required_cff_keys():
    cff = load("CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert "CC-BY-4.0" in cff["license"] and "MIT" in cff["license"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(cff["version"]))


def test_citation_version_matches_the_package():
    import werkstatt

    assert str(load("CITATION.cff")["version"]) == werkstatt.__version__


def test_amb_required_and_course_keys():
    amb = load("metadata.yml")
    # AMB required: @context, id, type (with LearningResource), name.
    assert "https://w3id.org/kim/amb/context.jsonld" in amb["@context"]
    assert amb["id"].startswith("https://")
    assert "LearningResource" in amb["type"]
    assert amb["name"].strip() and amb["description"].strip()
    assert sorted(amb["inLanguage"]) == ["de", "en"]
    assert amb["license"]["id"] == CC_BY
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(amb["dateCreated"]))
    assert amb["creator"] and all(c["type"] in ("Person", "Organization") and c["name"] for c in amb["creator"])
    assert len(amb["keywords"]) >= 3


def test_amb_controlled_vocabularies_use_their_uris():
    amb = load("metadata.yml")
    vocabularies = {
        "about": ("http://w3id.org/kim/schulfaecher/", "https://w3id.org/kim/hochschulfaechersystematik/"),
        "learningResourceType": ("https://w3id.org/kim/hcrt/",),
        "educationalLevel": ("https://w3id.org/kim/educationalLevel/",),
        "audience": ("http://purl.org/dcx/lrmi-vocabs/educationalAudienceRole/",),
    }
    for key, prefixes in vocabularies.items():
        assert amb[key], f"metadata.yml lacks {key}"
        for concept in amb[key]:
            assert concept["id"].startswith(prefixes), f"{key}: {concept['id']} is not from {prefixes}"
            assert concept["prefLabel"]["de"] and concept["prefLabel"]["en"]
