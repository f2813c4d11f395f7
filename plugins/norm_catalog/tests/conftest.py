import pytest
from bioreport_norm_catalog.catalog import Catalog, default_catalog
from bioreport_norm_catalog.normalize import Normalizer
from bioreport_norm_catalog.units import UnitConverter


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def units() -> UnitConverter:
    return UnitConverter()


@pytest.fixture(scope="session")
def normalizer(catalog: Catalog, units: UnitConverter) -> Normalizer:
    return Normalizer(catalog, units)
