"""Captions from alt text: a picture alone in its paragraph (`![说明](photo.jpg)`) becomes a figure with its
alt text as the caption, on the site (mkdocs.yml loads this module as a Markdown extension) and in the
newsletter (print/newsletter.py) alike.

A picture inside a link (`[![说明](photo.jpg)](…)`) or in a line of text stays as it is: its alt text is
a description for screen readers there, not a caption. A picture without alt text becomes a figure
without a caption.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def make_figure(paragraph: Element) -> bool:
    """`<p><img alt="x"></p>` → `<figure><img alt="x"><figcaption>x</figcaption></figure>`, in place;
    whether the paragraph was one picture alone."""
    if paragraph.tag != "p" or len(paragraph) != 1 or paragraph[0].tag != "img":
        return False
    image = paragraph[0]
    if (paragraph.text or "").strip() or (image.tail or "").strip():
        return False
    paragraph.tag = "figure"
    paragraph.text = image.tail = None
    if caption := (image.get("alt") or "").strip():
        SubElement(paragraph, "figcaption").text = caption
    return True


class _Figures(Treeprocessor):
    def run(self, root: Element) -> None:
        # Top-level paragraphs and those in blocks (lists, quotes, admonitions, md_in_html): not in tables.
        for parent in root.iter():
            if parent.tag in ("table", "thead", "tbody", "tr", "td", "th"):
                continue
            for child in parent:
                if child.tag == "p":
                    make_figure(child)


class FigureExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After the inline patterns (priority 20) have made the <img> elements.
        md.treeprocessors.register(_Figures(md), "cp_figures", 8)


def makeExtension(**kwargs: object) -> FigureExtension:  # noqa: N802 - Python-Markdown's entry point
    return FigureExtension(**kwargs)
