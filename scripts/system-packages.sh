#!/usr/bin/env bash
# Installs the Debian packages the test suite drives (e.g. PgBouncer for the
# transaction-pooler tests) when they are missing. Needs root and apt-get; otherwise
# it says what to install and the tests that need it fail with a clear message.
set -euo pipefail
missing=()
for package in "$@"; do
    # "install ok installed" only: a removed package may leave its config files behind.
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "usersync: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
    echo "usersync: please install these Debian packages for the full test suite: ${missing[*]}" >&2
fi
