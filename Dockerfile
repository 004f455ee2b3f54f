# Container image of alkannot, built from a checkout of a release tag (README, "Releases"): the
# workflow's `container:` image. The version label must be the package's (a test checks it).
#   git checkout v0.2.0 && docker build -t alkannot:0.2.0 .   (or: podman build ...)
# The jobs call `alkannot` on the image's PATH. See README "Environments".
FROM python:3.11-slim
LABEL org.opencontainers.image.title="alkannot" \
      org.opencontainers.image.version="0.2.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.description="Resistance annotation of ALK-positive lung cancer re-biopsies"
COPY pyproject.toml README.md /opt/alkannot/
COPY alkannot /opt/alkannot/alkannot
COPY resources /opt/alkannot/resources
RUN python -m pip install --no-cache-dir /opt/alkannot && rm -rf /opt/alkannot \
    && alkannot --version
# bash for Snakemake's job commands
RUN command -v bash
ENTRYPOINT []
CMD ["alkannot", "--help"]
