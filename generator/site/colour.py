"""The chamber's colour, made readable: white text on it (header, tabs) and it as text on white (links)."""

from __future__ import annotations

MIN_CONTRAST = 4.5  # WCAG AA for body text
DEFAULT_COLOUR = "#8c1c13"  # a chamber without `color` in chamber.yml


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c8 = c / 255
        return c8 / 12.92 if c8 <= 0.03928 else ((c8 + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(hex_colour: str) -> float:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 1.05 / (_luminance(rgb) + 0.05)  # type: ignore[arg-type]


def readable_colour(hex_colour: str) -> str:
    """`#RRGGBB` as it is if white on it reads well (contrast ≥ 4.5), else darkened just enough."""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    colour = "#" + "".join(f"{c:02x}" for c in rgb)
    while contrast_with_white(colour) < MIN_CONTRAST:
        rgb = [int(c * 0.95) for c in rgb]
        colour = "#" + "".join(f"{c:02x}" for c in rgb)
    return colour if colour != hex_colour.lower() else hex_colour
