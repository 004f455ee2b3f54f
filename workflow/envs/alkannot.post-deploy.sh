#!/usr/bin/env bash
# Runs once inside the new conda environment (Snakemake post-deploy script): install alkannot.
# ALKANNOT_SOURCE is set by workflow/rules/common.smk to this checkout (editable install, so the
# environment runs the checkout's code), or by the user to a pip requirement such as a git URL
# when the workflow is used as a module from a remote repository.
set -euo pipefail
: "${ALKANNOT_SOURCE:?set ALKANNOT_SOURCE to the alkannot checkout or a pip requirement}"
if [ -d "$ALKANNOT_SOURCE" ]; then
  python -m pip install --no-deps --no-build-isolation -e "$ALKANNOT_SOURCE" \
    || python -m pip install --no-deps -e "$ALKANNOT_SOURCE"
else
  python -m pip install --no-deps "$ALKANNOT_SOURCE"
fi
alkannot --version
