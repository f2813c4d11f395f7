"""What a plugin's tests reuse: the contract every stage of a kind keeps, as test classes to
subclass, and the fakes, documents and helpers they run on. Install it with the
``bioreport-engine[testing]`` extra (pytest, reportlab); only tests import it::

    from bioreport_engine.testing import AnonymizerContract

    class TestMine(AnonymizerContract):
        engine = "mine"                      # PII_ENGINE=mine
        distribution = "bioreport-pii-mine"  # the wheel that offers it
        library = "minelib"                  # imported when built, not when loaded

The contracts find the stage through its entry point, as the engine does: run them with the
plugin installed (``pip install -e .``). ``docs/plugins.md`` walks through a whole plugin.
"""

from bioreport_engine.testing.anonymizer import AnonymizerContract
from bioreport_engine.testing.cli import cli_env, run_cli, start_cli
from bioreport_engine.testing.contract import StageContract, outcome
from bioreport_engine.testing.database import ScratchDatabase, free_port, scratch_database
from bioreport_engine.testing.documents import (
    LABELLED_DOCUMENT,
    LABELLED_IDENTIFIERS,
    LABELLED_ROWS,
    Identifier,
    LabRow,
    SampleReport,
    lab_report,
    text_pdf,
)
from bioreport_engine.testing.extractor import ExtractorContract
from bioreport_engine.testing.fakes import (
    PATIENT,
    FakeAnonymizer,
    FakeExtractor,
    FakePlugin,
    RecordingNormalizer,
    RecordingStructurer,
)
from bioreport_engine.testing.hostile_storage import StorageContract
from bioreport_engine.testing.hostile_text import hostile_texts
from bioreport_engine.testing.normalizer import NormalizerContract
from bioreport_engine.testing.rows import rows_intact
from bioreport_engine.testing.stages import StageRegistry, discover, registry_of
from bioreport_engine.testing.structurer import KNOWN_TEXT, StructurerContract

__all__ = [
    "KNOWN_TEXT",
    "LABELLED_DOCUMENT",
    "LABELLED_IDENTIFIERS",
    "LABELLED_ROWS",
    "PATIENT",
    "AnonymizerContract",
    "ExtractorContract",
    "FakeAnonymizer",
    "FakeExtractor",
    "FakePlugin",
    "Identifier",
    "LabRow",
    "NormalizerContract",
    "RecordingNormalizer",
    "RecordingStructurer",
    "SampleReport",
    "ScratchDatabase",
    "StageContract",
    "StageRegistry",
    "StorageContract",
    "StructurerContract",
    "cli_env",
    "discover",
    "free_port",
    "hostile_texts",
    "lab_report",
    "outcome",
    "registry_of",
    "rows_intact",
    "run_cli",
    "scratch_database",
    "start_cli",
    "text_pdf",
]
