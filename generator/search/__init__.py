"""Site search: a Pagefind index of the finished pages, and the word segmenter."""
