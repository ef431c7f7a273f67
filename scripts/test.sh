#!/usr/bin/env bash
# The whole test suite: lint, then pytest against PostgreSQL (DATABASE_URL if set,
# otherwise the embedded server). Extra arguments go to pytest.
source "$(dirname "$0")/setup.sh"

# Debian packages the tests drive: PgBouncer (the transaction-pooler tests) and
# chromium (the admin's browser test; never a downloaded browser).
scripts/system-packages.sh pgbouncer chromium

.venv/bin/ruff check .
.venv/bin/ruff format --check .
$PY manage.py makemigrations --check --dry-run >/dev/null \
    || { echo "usersync: models and migrations disagree (makemigrations --check)" >&2; exit 1; }
exec $PY -m pytest "$@"
