"""The plugin's static files as Horizon's offline compression sees them."""

import os

import sass

import heal_dashboard

STATIC = os.path.join(os.path.dirname(heal_dashboard.__file__), 'static',
                      'heal_dashboard')


def test_the_stylesheet_compiles_on_its_own():
    # Horizon compiles each plugin's SCSS file separately, without the
    # theme's variables: an undefined one breaks `manage.py compress`.
    css = sass.compile(filename=os.path.join(STATIC, 'heal.scss'))
    assert '.heal-alarm-alarm' in css
