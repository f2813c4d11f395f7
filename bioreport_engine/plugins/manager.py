"""A typed facade over pluggy: loads each plugin on its own and records what happened.

pluggy's ``load_setuptools_entrypoints`` stops at the first broken plugin; here a plugin that
fails to import, or implements a hook that does not exist, is recorded as ``failed`` and the
others load; one that declares a plugin API range this engine does not provide
(``BIOREPORT_API``) is recorded as ``incompatible`` and not registered. Either becomes fatal only
when the user selects one of its stages.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib.metadata import EntryPoint, entry_points
from typing import cast

import pluggy

from bioreport_engine.plugins import builtin, hookspecs
from bioreport_engine.plugins.api import API_ATTRIBUTE, api_mismatch
from bioreport_engine.stages import StageKind, StageSpec

ENTRY_POINT_GROUP = "bioreport_engine.plugins"
"""The entry-point group in which a plugin distribution declares its module."""


class PluginStatus(StrEnum):
    LOADED = "loaded"
    FAILED = "failed"
    INCOMPATIBLE = "incompatible"
    DISABLED = "disabled"


@dataclass
class PluginRecord:
    """One plugin as ``bioreport plugins`` shows it."""

    name: str
    distribution: str
    version: str
    status: PluginStatus = PluginStatus.LOADED
    error: str | None = None

    def fail(self, exc: BaseException) -> None:
        self.status = PluginStatus.FAILED
        self.error = f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Offer[StageT]:
    """A stage descriptor together with the plugin that offered it."""

    plugin: PluginRecord
    spec: StageSpec[StageT]


def plugin_key(name: str) -> str:
    """Plugins are matched by entry-point or distribution name, ignoring case and ``-``/``_``."""
    return name.strip().lower().replace("_", "-")


class PluginManager:
    """Loads plugins and calls their hooks, one typed method per hook."""

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        from bioreport_engine import __version__

        self.register(builtin, "builtin", distribution="bioreport-engine", version=__version__)

    def register(
        self, plugin: object, name: str, *, distribution: str = "", version: str = ""
    ) -> PluginRecord:
        """Register an in-process plugin object (tests, embedding applications)."""
        record = PluginRecord(name, distribution or "(in-process)", version)
        self.records[name] = record
        if hasattr(plugin, API_ATTRIBUTE):
            mismatch = api_mismatch(getattr(plugin, API_ATTRIBUTE))
            if mismatch is not None:
                record.status = PluginStatus.INCOMPATIBLE
                record.error = mismatch
                return record
        try:
            self._pm.register(plugin, name=name)
            self._pm.check_pending()
        except Exception as exc:  # a misspelt hook, an invalid hookimpl
            if self._pm.is_registered(plugin):
                self._pm.unregister(plugin)
            record.fail(exc)
        return record

    def unregister(self, name: str) -> None:
        self._pm.unregister(name=name)
        self.records.pop(name, None)

    def load_entry_points(
        self, *, only: Collection[str] | None = None, disabled: Collection[str] = ()
    ) -> None:
        """Load every plugin of :data:`ENTRY_POINT_GROUP`, each on its own.

        ``only`` (``BIOREPORT_LOAD_PLUGINS``) loads just the named plugins; ``disabled``
        (``BIOREPORT_DISABLE_PLUGINS``) skips those named. Names are entry-point or distribution
        names.
        """
        wanted = None if only is None else {plugin_key(n) for n in only}
        blocked = {plugin_key(n) for n in disabled}
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            if entry_point.name in self.records:
                continue  # the same distribution seen twice on sys.path
            keys = {plugin_key(entry_point.name), plugin_key(_distribution(entry_point)[0])}
            if (wanted is not None and not keys & wanted) or keys & blocked:
                record = self._record(entry_point)
                record.status = PluginStatus.DISABLED
                continue
            self._load(entry_point)

    def _record(self, entry_point: EntryPoint) -> PluginRecord:
        distribution, version = _distribution(entry_point)
        record = PluginRecord(entry_point.name, distribution, version)
        self.records[entry_point.name] = record
        return record

    def _load(self, entry_point: EntryPoint) -> None:
        try:
            plugin = entry_point.load()
        except Exception as exc:  # anything a plugin's import can raise
            self._record(entry_point).fail(exc)
            return
        distribution, version = _distribution(entry_point)
        self.register(plugin, entry_point.name, distribution=distribution, version=version)

    def offers(self, kind: StageKind) -> list[Offer[object]]:
        """Every stage of ``kind`` offered through its hook (``kind.hook``)."""
        return self._offers(getattr(self._pm.hook, kind.hook))

    def _offers[StageT](self, caller: pluggy.HookCaller) -> list[Offer[StageT]]:
        # Each implementation is called on its own so that one plugin's broken hook marks that
        # plugin failed instead of hiding every other plugin's stages.
        offers: list[Offer[StageT]] = []
        for impl in reversed(caller.get_hookimpls()):  # registration order
            record = self.records[impl.plugin_name]
            if record.status is not PluginStatus.LOADED:
                continue
            try:
                hook = cast(Callable[[], Iterable[StageSpec[StageT]]], impl.function)
                specs = list(hook() or ())
            except Exception as exc:
                record.fail(exc)
                continue
            offers.extend(Offer(record, spec) for spec in specs)
        return offers


def _distribution(entry_point: EntryPoint) -> tuple[str, str]:
    dist = entry_point.dist
    if dist is None:
        return "(unknown)", ""
    return dist.metadata["Name"] or dist.name, dist.version
