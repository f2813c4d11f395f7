"""Start-up without the network: spaCy's model comes from an installed package (never
``spacy.cli.download``), and tldextract (pulled in by Presidio's URL and email recognizers,
which this plugin does not use) gets its bundled Public Suffix List snapshot, never a fetch."""

from typing import Any

from bioreport_engine import ConfigurationError
from bioreport_pii_presidio.settings import is_installed, missing_model_problem


def use_bundled_public_suffix_list() -> None:
    import tldextract
    import tldextract.tldextract

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def load_spacy_model(name: str) -> Any:
    """``spacy.load`` of an installed pipeline package, or one clear message on how to get it."""
    if not is_installed(name):
        raise ConfigurationError(missing_model_problem(name))
    import spacy

    # Only tokenizer, tok2vec and NER are needed: the rest costs load time and memory.
    return spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
