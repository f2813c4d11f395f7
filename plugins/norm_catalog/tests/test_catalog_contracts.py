from bioreport_engine.testing import NormalizerContract, StructurerContract


class TestRules(StructurerContract):
    engine = "rules"
    distribution = "bioreport-norm-catalog"


class TestCatalog(NormalizerContract):
    engine = "catalog"
    distribution = "bioreport-norm-catalog"
    library = "pint"
