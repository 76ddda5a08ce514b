"""The site: the model → the docs MkDocs builds (`prepare`), and the adapter to MkDocs and Material, the only
subpackage that imports them."""
