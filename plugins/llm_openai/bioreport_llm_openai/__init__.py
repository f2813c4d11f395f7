"""``LLM_ENGINE=openai``: biomarker rows from anonymized text with the official openai SDK,
against OpenAI or any OpenAI-compatible server (vLLM, Ollama, llama.cpp, Azure OpenAI)."""

from collections.abc import Iterable, Sequence

from bioreport_engine import StageSpec, Structurer, hookimpl
from bioreport_llm_openai.settings import OpenAISettings

#: The versions of the public plugin API (bioreport_engine) this plugin works with.
BIOREPORT_API = ">=1.1,<2"


def _build() -> Structurer:
    from bioreport_llm_openai.build import build_structurer  # imports openai

    return build_structurer()


def _check() -> Sequence[str]:
    from bioreport_llm_openai.build import configuration_problems  # no SDK import

    return configuration_problems()


@hookimpl
def bioreport_structurers() -> Iterable[StageSpec[Structurer]]:
    return [
        StageSpec(
            "openai",
            _build,
            settings=OpenAISettings,
            summary="official openai SDK: strict JSON schema, grounded rows, shared rate limit",
            check=_check,
        )
    ]
