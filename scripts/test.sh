#!/usr/bin/env bash
# The whole test suite: lint, then pytest against PostgreSQL (DATABASE_URL if set,
# otherwise the embedded server). Extra arguments go to pytest.
source "$(dirname "$0")/setup.sh"

# The admin's end-to-end test drives Debian's chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "usersync: installing Debian's chromium for the browser test" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
$PY manage.py makemigrations --check --dry-run >/dev/null \
    || { echo "usersync: models and migrations disagree (makemigrations --check)" >&2; exit 1; }
exec $PY -m pytest "$@"
