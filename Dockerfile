# The infra-verify container image: the release binary on Alpine, non-root.
#
# Built by the release (.github/workflows/publish-image.yml) from the static musl binaries of the
# release archives: the build context is a directory holding one binary per platform,
# <context>/amd64/infra-verify and <context>/arm64/infra-verify (mode 755):
#
#   docker buildx build --platform linux/amd64,linux/arm64 -f Dockerfile dist/image
#
# Alpine rather than `scratch` or distroless: the image also serves as a GitLab CI job image,
# and GitLab runs a job's `script:` with the image's shell (busybox sh here). Alpine's base layer
# already carries the Mozilla CA bundle (ca-certificates-bundle, /etc/ssl/certs), which the
# AWS SDK's TLS stack reads; nothing is installed on top, so building needs no package mirror.
# BASE may name another base image with a shell and /etc/ssl/certs (scripts/release-check builds
# the image here from a Debian root file system, as this project's machines reach no registry).
ARG BASE=alpine:3.22
FROM ${BASE}
ARG TARGETARCH
COPY ${TARGETARCH}/infra-verify /usr/local/bin/infra-verify
# A numeric user that owns nothing in the image: runs without a passwd entry on any base.
USER 65532:65532
WORKDIR /work
ENV HOME=/tmp
ENTRYPOINT ["infra-verify"]
CMD ["--help"]
