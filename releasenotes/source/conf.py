"""Sphinx configuration of heal-dashboard's release notes
(tox -e releasenotes)."""

project = 'heal-dashboard release notes'
copyright = '2026, the heal-dashboard authors'
author = 'the heal-dashboard authors'

extensions = ['reno.sphinxext']
templates_path = []
exclude_patterns = []
html_theme = 'alabaster'
html_static_path = []
