"""The chamber's logo as the site shows it: favicons and the header's and portal's logos, each a copy made
at build time at the size it is shown (twice that, for high-density screens).

A logo that is a picture (PNG, JPEG) gets its sized copies (content/images.Icon); an SVG drawing is sharp at
any size and small: it is used as it is, as the logo and as the favicon (no apple-touch icon then: iOS
wants a picture). A chamber without a logo gets the portal's neutral mark (商 on red, theme/portal/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chamberpress.paths import PROJECT_DIR
from chamberpress.content.images import Icon, is_photo
from chamberpress.content.model import Chamber
from chamberpress.paths import resolve_inside

# Where each copy goes in the site, and its size in px.
HEADER_LOGO = ("assets/logo-48.png", 48)  # shown 24 px high in the header (Material's .md-logo img)
PORTAL_LOGO = ("assets/logo-72.png", 72)  # shown 2.2rem (35 px) on the portal's cards
FAVICON = ("assets/favicon-32.png", 32)
TOUCH_ICON = ("assets/apple-touch-icon.png", 180)  # iOS home screen: opaque, 180 px
FAVICON_ICO = ("favicon.ico", 48)  # asked for by browsers at the site's root: 16, 32 and 48 px inside
HEADER_LOGO_SIZE = 24
NEUTRAL_FAVICON = "assets/favicon.svg"
PORTAL_DIR = PROJECT_DIR / "theme" / "portal"  # the neutral mark (build/portal.py copies it for the portal)


@dataclass(frozen=True)
class ShownLogos:
    """The site paths the templates link (None: not made)."""

    header: str | None = None
    portal: str | None = None
    favicon: str | None = None
    touch_icon: str | None = None


def _logo_source(chamber: Chamber) -> Path | None:
    if not chamber.info.logo:
        return None
    return resolve_inside(chamber.folder, chamber.info.logo, chamber.folder)


def shown_logos(chamber: Chamber, logo_path: str | None) -> ShownLogos:
    """What the pages link for the chamber whose logo is published at `logo_path` (docs.logo_docs_path)."""
    source = _logo_source(chamber)
    if source is None or logo_path is None:
        return ShownLogos(favicon=NEUTRAL_FAVICON, touch_icon=TOUCH_ICON[0])
    if not is_photo(source):  # an SVG drawing
        return ShownLogos(header=logo_path, portal=logo_path, favicon=logo_path)
    return ShownLogos(header=HEADER_LOGO[0], portal=PORTAL_LOGO[0], favicon=FAVICON[0], touch_icon=TOUCH_ICON[0])


def icon_tree(chamber: Chamber, logo_path: str | None) -> dict[str, Icon | Path]:
    """The docs entries of the copies `shown_logos` links."""
    source = _logo_source(chamber)
    if source is None or logo_path is None:
        return {
            NEUTRAL_FAVICON: PORTAL_DIR / "favicon.svg",
            TOUCH_ICON[0]: PORTAL_DIR / "apple-touch-icon.png",
            FAVICON_ICO[0]: PORTAL_DIR / "favicon.ico",
        }
    if not is_photo(source):
        return {}
    return {
        HEADER_LOGO[0]: Icon(source, HEADER_LOGO[1]),
        PORTAL_LOGO[0]: Icon(source, PORTAL_LOGO[1]),
        FAVICON[0]: Icon(source, FAVICON[1]),
        TOUCH_ICON[0]: Icon(source, TOUCH_ICON[1], background="#ffffff"),
        FAVICON_ICO[0]: Icon(source, FAVICON_ICO[1], format="ICO"),
    }
