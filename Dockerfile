# Container image of alkannot, built from this checkout: the workflow's `container:` image.
#   docker build -t alkannot:0.1.0 .        (or: podman build -t alkannot:0.1.0 .)
# The jobs call `alkannot` on the image's PATH. See README "Environments".
FROM python:3.11-slim
LABEL org.opencontainers.image.title="alkannot" \
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
