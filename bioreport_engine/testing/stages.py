"""Building a stage the way the engine does: found by name among the installed plugins, or among
plugin objects registered in-process."""

from bioreport_engine.plugins.manager import PluginManager
from bioreport_engine.plugins.registry import StageRegistry, discover


def registry_of(*plugins: object) -> StageRegistry:
    """The built-in stages and ``plugins`` (modules or objects with ``@hookimpl`` functions),
    each registered under its ``__name__`` or its class name, and no installed plugin."""
    manager = PluginManager()
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        manager.register(plugin, name)
    return StageRegistry.from_manager(manager)


__all__ = ["StageRegistry", "discover", "registry_of"]
