"""Site search: a Pagefind index of the finished pages, and the word segmenter."""

INDEX_DIR = "pagefind"  # the index and its script, at a site's root (index.py; the portal looks for it)
