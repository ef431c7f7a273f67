#!/usr/bin/env bash
# The main job on the embedded database (or DATABASE_URL): migrate, seed demo users of
# whom some lack a profile (legacy users from before the trigger), look at the state,
# preview the sync, sync, and look again.
source "$(dirname "$0")/setup.sh"

USERS="${DEMO_USERS:-1000}"
step() { printf '\n$ %s\n' "$*" >&2; "$@"; }

step $PY manage.py migrate --no-input -v 0
step $PY manage.py verify_migration
step $PY manage.py seed_demo_users "$USERS" --without-profiles 30% --deleted 1%
step $PY manage.py sync_status
step $PY manage.py sync_users --dry-run
step $PY manage.py sync_users
step $PY manage.py sync_status --fail-on-missing
