#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/browser); called by `make setup`.
# A test tool's own browser download does not work here (no network beyond package registries),
# so the tests drive the system's chromium with Playwright.
#   - already installed: nothing to do
#   - root (CI, a container) or password-less sudo in CI: apt-get install chromium chromium-driver
#   - CI=true but no way to install: fail, because CI must really run the browser tests
#   - a learner's own machine without root: a notice; `make test` then skips the browser tests
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi

install() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || {
    "$@" apt-get update -qq && "$@" apt-get install -y -qq --no-install-recommends chromium chromium-driver; }
}

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's chromium and chromium-driver for the browser tests ..."
    install
    exit 0
  elif [ "${CI:-}" = "true" ] && sudo -n true >/dev/null 2>&1; then
    echo "Installing Debian's chromium and chromium-driver for the browser tests (sudo) ..."
    install sudo -n
    exit 0
  fi
fi

if [ "${CI:-}" = "true" ]; then
  echo "ERROR: CI must run the browser tests, but Chromium is missing and cannot be installed here" >&2
  echo "(needs Debian's apt-get as root). Install the packages chromium and chromium-driver." >&2
  exit 1
fi
echo "NOTE: Chromium is not installed, so 'make test' will skip the browser tests of the book."
echo "      To run them: sudo apt-get install chromium chromium-driver, then: make browser"
