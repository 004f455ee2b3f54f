"""``python -m alkannot`` runs the command line."""

from alkannot.cli import main

# guarded: worker processes started by `batch --jobs` (spawn) import this module again
if __name__ == "__main__":
    main()
