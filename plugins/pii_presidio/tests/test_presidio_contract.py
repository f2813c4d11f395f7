from bioreport_engine.testing import AnonymizerContract


class TestPresidio(AnonymizerContract):
    engine = "presidio"
    distribution = "bioreport-pii-presidio"
    library = "presidio_analyzer"
