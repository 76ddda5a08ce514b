"""The YAML loaders (yaml_loaders.py): one family, each difference named and no change to PyYAML's own."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from chamberpress.markup import FrontMatterLoader
from chamberpress.yaml_loaders import ConfigLoader, EditorLoader, FastEditorLoader, FastSafeLoader


@pytest.mark.parametrize("loader", [EditorLoader, FastEditorLoader])
def test_what_editors_write_keeps_dates_as_text(loader: type) -> None:
    assert yaml.load("date: 2026-02-30\nn: 3\nok: true\n", Loader=loader) == {"date": "2026-02-30", "n": 3, "ok": True}


def test_pyyamls_own_loader_is_left_as_it_was() -> None:
    assert yaml.load("date: 2026-05-21\n", Loader=yaml.SafeLoader) == {"date": dt.date(2026, 5, 21)}
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("x: !ENV HOME\n", Loader=yaml.SafeLoader)


def test_a_base_config_is_read_past_mkdocs_tags() -> None:
    text = "theme:\n  custom_dir: theme/material\nsite_url: !ENV SITE\nhook: !!python/name:os.getcwd\n"
    assert yaml.load(text, Loader=ConfigLoader) == {
        "theme": {"custom_dir": "theme/material"},
        "site_url": None,
        "hook": None,
    }


def test_every_loader_is_a_safe_loader() -> None:
    for loader in (EditorLoader, FastEditorLoader, ConfigLoader, FrontMatterLoader):
        assert issubclass(loader, (yaml.SafeLoader, FastSafeLoader))
