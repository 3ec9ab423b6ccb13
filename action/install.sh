#!/usr/bin/env bash
# Installs an infra-verify release binary for this machine, after checking the archive against
# the SHA-256 the release publishes beside it. Used by the GitHub Action (action.yml) and usable
# anywhere with bash and curl (a GitLab job, a laptop):
#
#   INFRA_VERIFY_VERSION=0.1.0 action/install.sh          # prints the installed binary's path
#
# Environment:
#   INFRA_VERIFY_VERSION        the release to install (required), e.g. 0.1.0
#   INFRA_VERIFY_INSTALL_DIR    where the binary goes (default: $RUNNER_TEMP/infra-verify/bin,
#                               else ~/.local/bin)
#   INFRA_VERIFY_TARGET         the build to take (default: this machine's; static musl builds on
#                               Linux, so any distribution and container image works)
#   INFRA_VERIFY_DOWNLOAD_URL   where the archives are (default: the GitHub release vVERSION);
#                               a mirror must hold ARCHIVE and ARCHIVE.sha256, as the release does
#   INFRA_VERIFY_ARCHIVE_CACHE  a directory that keeps the verified archive between runs (the
#                               Action caches it); an archive found there is checked again
#
# Exit 0 installed; 1 on anything else, with nothing installed: no download, a checksum file
# that is not one, or an archive whose SHA-256 differs from the published one.
set -euo pipefail

log() { printf 'infra-verify install: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

version="${INFRA_VERIFY_VERSION:-}"
version="${version#v}"
[ -n "$version" ] || die "INFRA_VERIFY_VERSION is not set (e.g. 0.1.0)"
case "$version" in
    *[!0-9A-Za-z.+-]*) die "not a version: $version" ;;
esac

if [ -n "${INFRA_VERIFY_TARGET:-}" ]; then
    target="$INFRA_VERIFY_TARGET"
else
    os="$(uname -s)"
    arch="$(uname -m)"
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) die "no infra-verify build for the $arch processor" ;;
    esac
    case "$os" in
        Linux) target="$arch-unknown-linux-musl" ;;
        Darwin) target="$arch-apple-darwin" ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT)
            [ "$arch" = x86_64 ] || die "no infra-verify build for Windows on $arch"
            target="x86_64-pc-windows-msvc"
            ;;
        *) die "no infra-verify build for $os" ;;
    esac
fi
case "$target" in
    *windows*) ext=.zip exe=.exe ;;
    *) ext=.tar.xz exe= ;;
esac
archive="infra-verify-$target$ext"
base="${INFRA_VERIFY_DOWNLOAD_URL:-https://github.com/infra-verify/infra-verify/releases/download/v$version}"
base="${base%/}"

if [ -n "${INFRA_VERIFY_INSTALL_DIR:-}" ]; then
    dest="$INFRA_VERIFY_INSTALL_DIR"
elif [ -n "${RUNNER_TEMP:-}" ]; then
    dest="$RUNNER_TEMP/infra-verify/bin"
else
    dest="$HOME/.local/bin"
fi

command -v curl >/dev/null 2>&1 || die "curl not found"
sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}
fetch() { # URL FILE
    curl --fail --silent --show-error --location --proto '=https,http' --retry 3 \
        --connect-timeout 20 --max-time 600 --output "$2" "$1"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The published checksum, always fetched fresh: a cached archive is only used when it matches it.
fetch "$base/$archive.sha256" "$work/sum" || die "cannot download $base/$archive.sha256"
want="$(tr -d '\r' <"$work/sum" | awk 'NR == 1 { print tolower($1) }')"
[[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "$archive.sha256 does not hold a SHA-256"

cache="${INFRA_VERIFY_ARCHIVE_CACHE:-}"
file="$work/$archive"
if [ -n "$cache" ] && [ -f "$cache/$archive" ] && [ "$(sha256_of "$cache/$archive")" = "$want" ]; then
    log "using the cached $archive (SHA-256 checked)"
    cp "$cache/$archive" "$file"
else
    log "downloading $base/$archive"
    fetch "$base/$archive" "$file" || die "cannot download $base/$archive"
    got="$(sha256_of "$file")"
    [ "$got" = "$want" ] ||
        die "checksum mismatch for $archive: the release publishes $want, the download is $got; nothing installed"
    if [ -n "$cache" ]; then
        mkdir -p "$cache"
        cp "$file" "$cache/$archive.part" && mv -f "$cache/$archive.part" "$cache/$archive"
    fi
fi

mkdir -p "$work/x"
case "$ext" in
    .zip) (cd "$work/x" && unzip -q "$file") || die "cannot unpack $archive" ;;
    *) tar -xJf "$file" -C "$work/x" || die "cannot unpack $archive" ;;
esac
bin="$(find "$work/x" -type f -name "infra-verify$exe" | head -n 1)"
[ -n "$bin" ] || die "$archive holds no infra-verify$exe"
mkdir -p "$dest"
cp "$bin" "$dest/.infra-verify$exe.part"
chmod 755 "$dest/.infra-verify$exe.part"
mv -f "$dest/.infra-verify$exe.part" "$dest/infra-verify$exe"
log "installed $("$dest/infra-verify$exe" --version) at $dest/infra-verify$exe"

if [ -n "${GITHUB_PATH:-}" ]; then
    printf '%s\n' "$dest" >>"$GITHUB_PATH"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'path=%s\n' "$dest/infra-verify$exe" >>"$GITHUB_OUTPUT"
fi
printf '%s\n' "$dest/infra-verify$exe"
