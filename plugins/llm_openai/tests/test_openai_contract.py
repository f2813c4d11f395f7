import pytest

from benchmarks.fake_openai import FakeOpenAI
from bioreport_engine import Structurer
from bioreport_engine.testing import StructurerContract, discover


class TestOpenAI(StructurerContract):
    engine = "openai"
    distribution = "bioreport-llm-openai"
    library = "openai"

    @pytest.fixture
    def structurer(self, openai_env: FakeOpenAI) -> Structurer:
        """Against the local server, which answers with the rows of the text it is sent."""
        return discover().structurer(self.engine).spec.build()
