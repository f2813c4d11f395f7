"""The plugin system: hook specifications, the entry-point loader and the stage registry."""
