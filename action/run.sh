#!/usr/bin/env bash
# Runs infra-verify for the GitHub Action (action.yml) with its inputs, and passes its exit code
# through as the step's result and as the `exit-code` output.
#
# Environment (set by action.yml from the inputs):
#   INFRA_VERIFY_BIN     the binary (action/install.sh's output)
#   INPUT_COMMAND        empty to verify, else the subcommand (drift, snapshot, evidence, ...)
#   INPUT_ENVIRONMENTS   environments, separated by spaces
#   INPUT_FORMAT         --format; empty means `github` when verifying, the command's default else
#   INPUT_ARGS           more arguments, separated by spaces (no shell quoting, nothing expanded)
#
# With --format github, infra-verify itself writes the Markdown report to the job summary; with
# another format, the job summary gets one line with the command and what its exit code means.
set -uo pipefail

bin="${INFRA_VERIFY_BIN:-infra-verify}"
args=()
read -r -a words <<<"${INPUT_COMMAND:-}"
args+=(${words[@]+"${words[@]}"})
read -r -a words <<<"${INPUT_ENVIRONMENTS:-}"
args+=(${words[@]+"${words[@]}"})
format="${INPUT_FORMAT:-}"
if [ -z "$format" ] && [ -z "${INPUT_COMMAND:-}" ]; then
    format=github
fi
if [ -n "$format" ]; then
    args+=(--format "$format")
fi
read -r -a words <<<"${INPUT_ARGS:-}"
args+=(${words[@]+"${words[@]}"})

# (`${a[@]+"${a[@]}"}`: an empty array under `set -u` on the bash 3.2 of macOS runners.)
printf 'infra-verify%s\n' "$(printf ' %q' ${args[@]+"${args[@]}"})"
"$bin" ${args[@]+"${args[@]}"}
code=$?

case "$code" in
    0) meaning="ready" ;;
    1) meaning="not ready (a check failed or a resource is missing; for drift: drift that broke a check)" ;;
    2) meaning="usage error (the spec, a flag or a file)" ;;
    3) meaning="could not verify (something could not be observed)" ;;
    4) meaning="drift that broke no check" ;;
    *) meaning="unexpected" ;;
esac
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'exit-code=%s\n' "$code" >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$format" != github ]; then
    {
        printf '**infra-verify'
        printf ' %s' ${args[@]+"${args[@]}"}
        printf '** exited %s: %s\n' "$code" "$meaning"
    } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
