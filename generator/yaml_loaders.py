"""The YAML loaders, one family: PyYAML's safe loader (never a Python object from a file), with libyaml's
parser where it is installed, and the few ways ours read differently, each named.

- `EditorLoader`, `FastEditorLoader`: what editors write (chamber.yml, front matter, newsletters, a YAML
  roster). Dates are kept as text, so that 2026-02-30 becomes a clear error naming the line instead of a
  crash; the fast one is tried first, the pure-Python one tells the errors (its messages name a tab).
- `markup.FrontMatterLoader`: the front matter the generator wrote itself, read back by MkDocs and Material.
- `ConfigLoader`: a base `mkdocs.yml`, read for one setting: MkDocs' own tags (`!ENV`, `!!python/name:`)
  are read as nothing instead of refused.
"""

from __future__ import annotations

import yaml

SafeLoader = yaml.SafeLoader
# libyaml's parser where installed (its nodes carry lines too), else the same in Python.
FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The safe loader's implicit types but dates: a date is read as the text it is.
_WITHOUT_DATES = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class EditorLoader(SafeLoader):
    """What editors write, dates kept as text; with the clearer error messages."""

    yaml_implicit_resolvers = _WITHOUT_DATES


class FastEditorLoader(FastSafeLoader):  # type: ignore[misc,valid-type]
    """EditorLoader with libyaml's parser."""

    yaml_implicit_resolvers = _WITHOUT_DATES


class ConfigLoader(SafeLoader):
    """A base mkdocs.yml, its Python and custom tags read as nothing."""


ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
