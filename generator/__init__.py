"""ChamberPress: chamber-of-commerce websites and newsletters from Markdown and a member roster."""

__version__ = "0.1.0"
