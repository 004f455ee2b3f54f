"""``python -m alkannot`` runs the command line."""

from alkannot.cli import main

main()
