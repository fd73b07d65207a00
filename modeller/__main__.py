"""``python -m modeller``: the modeller command."""

from .cli import main

main()
