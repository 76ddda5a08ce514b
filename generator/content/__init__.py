"""Reading and checking what editors write: a chamber's folder → the typed model (`load.load_chamber`)."""
