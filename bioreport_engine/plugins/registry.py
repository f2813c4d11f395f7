"""The registry: stage name -> the plugin offering it, one table per stage kind.

Selection is by name, as in conda's solvers or tox's runners: an unknown name lists what is
installed, and two plugins offering one name is an error that names both distributions.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from bioreport_engine.errors import ConfigurationError
from bioreport_engine.plugins.manager import Offer, PluginManager, PluginRecord, PluginStatus
from bioreport_engine.stages import (
    Anonymizer,
    Normalizer,
    PdfExtractor,
    StageKind,
    Structurer,
    normalise_name,
)

type Table = dict[str, list[Offer[object]]]


def _table(offers: Sequence[Offer[object]]) -> Table:
    table: Table = defaultdict(list)
    for offer in offers:
        if offer.plugin.status is PluginStatus.LOADED:
            table[offer.spec.key].append(offer)
    return dict(table)


@dataclass(frozen=True)
class StageRegistry:
    """Every installed stage, by kind and normalised name."""

    tables: dict[StageKind, Table]
    plugins: tuple[PluginRecord, ...]

    @classmethod
    def from_manager(cls, manager: PluginManager) -> "StageRegistry":
        offers = {kind: manager.offers(kind) for kind in StageKind}
        # Tables are built after all hooks ran: a plugin whose later hook failed is dropped whole.
        tables = {kind: _table(kind_offers) for kind, kind_offers in offers.items()}
        return cls(tables, tuple(manager.records.values()))

    def names(self, kind: StageKind) -> list[str]:
        return sorted(self.tables[kind])

    def offers(self, kind: StageKind) -> list[Offer[object]]:
        return [offer for offers in self.tables[kind].values() for offer in offers]

    # Typed shortcuts, one per kind: the table holds stages as ``object``.
    def pdf_extractor(self, name: str) -> Offer[PdfExtractor]:
        return cast(Offer[PdfExtractor], self.select(StageKind.PDF, name))

    def anonymizer(self, name: str) -> Offer[Anonymizer]:
        return cast(Offer[Anonymizer], self.select(StageKind.PII, name))

    def structurer(self, name: str) -> Offer[Structurer]:
        return cast(Offer[Structurer], self.select(StageKind.LLM, name))

    def normalizer(self, name: str) -> Offer[Normalizer]:
        return cast(Offer[Normalizer], self.select(StageKind.NORM, name))

    def select(self, kind: StageKind, name: str) -> Offer[object]:
        """The one installed stage of ``kind`` called ``name``; a :class:`ConfigurationError`
        that lists what is installed when there is none, or names both plugins when two claim
        it."""
        offers = self.tables[kind].get(normalise_name(name), [])
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
        installed = ", ".join(self.names(kind)) or "none"
        message = (
            f"{kind.setting}={name.strip()!r} is not installed. "
            f"Installed {kind.label}: {installed}."
        )
        for status, label in (
            (PluginStatus.FAILED, "Plugins that failed to load"),
            (PluginStatus.INCOMPATIBLE, "Plugins incompatible with this engine"),
        ):
            listed = [p for p in self.plugins if p.status is status]
            if listed:
                message += (
                    f" {label}: "
                    + "; ".join(f"{p.name} ({p.distribution}): {p.error}" for p in listed)
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
