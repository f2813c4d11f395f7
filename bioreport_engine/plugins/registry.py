"""The registry: stage name -> the plugin offering it, one table per stage kind.

Selection is by name, as in conda's solvers or tox's runners: an unknown name lists what is
installed, and two plugins offering one name is an error that names both distributions.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.plugins.manager import Offer, PluginManager, PluginRecord, PluginStatus
from bioreport_engine.stages import (
    Anonymizer,
    PdfExtractor,
    StageKind,
    Structurer,
    normalise_name,
)

type Table[StageT] = dict[str, list[Offer[StageT]]]


def _table[StageT](offers: Sequence[Offer[StageT]]) -> Table[StageT]:
    table: Table[StageT] = defaultdict(list)
    for offer in offers:
        if offer.plugin.status is PluginStatus.LOADED:
            table[offer.spec.key].append(offer)
    return dict(table)


@dataclass(frozen=True)
class StageRegistry:
    """Every installed stage, by kind and normalised name."""

    pdf: Table[PdfExtractor]
    pii: Table[Anonymizer]
    llm: Table[Structurer]
    plugins: tuple[PluginRecord, ...]

    @classmethod
    def from_manager(cls, manager: PluginManager) -> "StageRegistry":
        pdf, pii, llm = manager.pdf_extractors(), manager.anonymizers(), manager.structurers()
        # Tables are built after all hooks ran: a plugin whose later hook failed is dropped whole.
        return cls(_table(pdf), _table(pii), _table(llm), tuple(manager.records.values()))

    def names(self, kind: StageKind) -> list[str]:
        return sorted(self._table(kind))

    def offers(self, kind: StageKind) -> list[Offer[object]]:
        return [offer for offers in self._table(kind).values() for offer in offers]

    def _table(self, kind: StageKind) -> Table[object]:
        tables: dict[StageKind, Table[object]] = {
            StageKind.PDF: self.pdf,  # type: ignore[dict-item]
            StageKind.PII: self.pii,  # type: ignore[dict-item]
            StageKind.LLM: self.llm,  # type: ignore[dict-item]
        }
        return tables[kind]

    def pdf_extractor(self, name: str) -> Offer[PdfExtractor]:
        return self._select(StageKind.PDF, self.pdf, name)

    def anonymizer(self, name: str) -> Offer[Anonymizer]:
        return self._select(StageKind.PII, self.pii, name)

    def structurer(self, name: str) -> Offer[Structurer]:
        return self._select(StageKind.LLM, self.llm, name)

    def _select[StageT](self, kind: StageKind, table: Table[StageT], name: str) -> Offer[StageT]:
        offers = table.get(normalise_name(name), [])
        if len(offers) == 1:
            return offers[0]
        if offers:
            raise ConfigurationError(
                f"{kind.setting}={name.strip()!r} is offered by more than one plugin: "
                + ", ".join(f"{o.plugin.distribution} (plugin {o.plugin.name})" for o in offers)
                + ". Uninstall one, or skip one with BIOREPORT_DISABLE_PLUGINS."
            )
        raise ConfigurationError(self._unknown_message(kind, name))

    def _unknown_message(self, kind: StageKind, name: str) -> str:
        installed = ", ".join(sorted(self._table(kind))) or "none"
        message = (
            f"{kind.setting}={name.strip()!r} is not installed. "
            f"Installed {kind.label}: {installed}."
        )
        failed = [p for p in self.plugins if p.status is PluginStatus.FAILED]
        if failed:
            message += (
                " Plugins that failed to load: "
                + "; ".join(f"{p.name} ({p.distribution}): {p.error}" for p in failed)
                + "."
            )
        disabled = [p.name for p in self.plugins if p.status is PluginStatus.DISABLED]
        if disabled:
            message += (
                " Plugins skipped by BIOREPORT_LOAD_PLUGINS/BIOREPORT_DISABLE_PLUGINS: "
                + ", ".join(disabled)
                + "."
            )
        return (
            message
            + f" Install the plugin that provides it, or set {kind.setting} to one of those."
        )


def discover(load: Sequence[str] | None = None, disable: Sequence[str] = ()) -> StageRegistry:
    """Load the built-in stages and every installed plugin, and index their stages."""
    manager = PluginManager()
    manager.load_entry_points(only=load, disabled=disable)
    return StageRegistry.from_manager(manager)
