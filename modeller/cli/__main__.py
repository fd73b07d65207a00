"""``python -m modeller.cli``: the modeller command."""

from . import main

main()
