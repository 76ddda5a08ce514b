"""SVG drawings (logos, charts editors made) are published as a sanitized copy, never as they are.

An SVG opened by its own address is a document: a script in it runs from the chamber's site. The copy keeps
only drawing: elements and attributes of an allow-list, references inside the file (`#id`) and embedded
raster pictures (`data:image/png;base64,…`). Scripts, event handlers (`onload`), `<foreignObject>`, links
and references to other files or sites, animations (which can set a link) and style sheets that load
anything are dropped. A file that is not well-formed SVG is refused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree
from chamberpress.i18n import _

SVG_SUFFIXES = (".svg",)
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_SVG_BYTES = 5 * 1024 * 1024

ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "marker",
        "image",
        "switch",
        "style",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
    }
)
# Attributes are kept when in no namespace (or xml:space, xml:lang, xlink:href), not an event handler, and
# their value references nothing outside the file.
_HANDLER = re.compile(r"^on", re.I)
_URL_IN_VALUE = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_SAFE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_CSS_LOADS = re.compile(r"@import|expression\s*\(|javascript:|-moz-binding|behavior\s*:", re.I)


def _local_ref(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or bool(_SAFE_DATA.match(value))


def _value_is_safe(value: str) -> bool:
    if _CSS_LOADS.search(value):
        return False
    return all(_local_ref(url) for url in _URL_IN_VALUE.findall(value))


def _parse(data: bytes) -> etree._Element | None:
    # Entities declared in the file itself are expanded (drawing programs write some); none is fetched.
    parser = etree.XMLParser(
        resolve_entities="internal",
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    return root if root.tag == f"{{{SVG_NS}}}svg" else None


def _clean(element: etree._Element) -> None:
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if ns != SVG_NS or local not in ELEMENTS or (local == "style" and not _value_is_safe(child.text or "")):
            tail, previous = child.tail, child.getprevious()
            element.remove(child)
            if tail and previous is not None:
                previous.tail = (previous.tail or "") + tail
            elif tail:
                element.text = (element.text or "") + tail
            continue
        _clean(child)
    for name, value in list(element.attrib.items()):
        ns, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
        keep = ns == "" or (ns == XML_NS and local in ("space", "lang")) or (ns == XLINK_NS and local == "href")
        if local == "href":
            keep = keep and _local_ref(value)
        if not keep or _HANDLER.match(local) or not _value_is_safe(value):
            del element.attrib[name]


def svg_problem(path: Path) -> str | None:
    """Why the file cannot be published as an SVG drawing, or None."""
    try:
        if os.stat(path).st_size > MAX_SVG_BYTES:
            return _("is an SVG drawing larger than {size} MB").format(size=MAX_SVG_BYTES // 1048576)
        data = path.read_bytes()
    except OSError:
        return _("cannot be read")
    return None if _parse(data) is not None else _("is not an SVG drawing that can be read (not well-formed XML)")


def sanitize_svg(data: bytes) -> str | None:
    """The drawing of an SVG document, with nothing that can run or load; None if it is not SVG."""
    root = _parse(data)
    if root is None:
        return None
    _clean(root)
    # Serialized without the DOCTYPE (and so without its entities): only what the allow-list kept goes out.
    return etree.tostring(root, encoding="unicode") + "\n"


def sanitized_svg(path: Path) -> str:
    """The published text of an SVG file `svg_problem` allows."""
    text = sanitize_svg(path.read_bytes())
    assert text is not None, path
    return text
