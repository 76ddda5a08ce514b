"""The printed newsletter (会刊) and charter.pdf: print HTML made from the model, then WeasyPrint."""
