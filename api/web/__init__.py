"""The web shell (DESIGN §4, issue 15): templating, the layout, page rendering, static assets, the
home page and HTML error pages. Pages themselves live in their slice (``pages.py`` beside
``routes.py``, templates in the slice's ``templates/``)."""
