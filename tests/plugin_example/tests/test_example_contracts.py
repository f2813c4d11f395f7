"""The example plugin's stages keep the engine's contracts: a plugin's tests in a few lines."""

from bioreport_engine.testing import AnonymizerContract, NormalizerContract, StructurerContract


class TestMask(AnonymizerContract):
    engine = "example-mask"
    distribution = "bioreport-plugin-example"


class TestRows(StructurerContract):
    engine = "example-rows"
    distribution = "bioreport-plugin-example"


class TestCodes(NormalizerContract):
    engine = "example-codes"
    distribution = "bioreport-plugin-example"
