"""Sphinx configuration of heal-dashboard's documentation (tox -e docs)."""

project = 'heal-dashboard'
copyright = '2026, the heal-dashboard authors'
author = 'the heal-dashboard authors'

extensions = []
templates_path = []
exclude_patterns = []

# Warnings are errors (sphinx-build -W): a broken reference fails the build.
nitpicky = True

html_theme = 'alabaster'
html_static_path = []
html_title = 'heal-dashboard'
