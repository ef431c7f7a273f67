#!/usr/bin/env bash
# The main job on the embedded database (or DATABASE_URL): migrate, seed demo users of
# whom some lack a profile, look at the state, preview the sync, sync, look again.
source "$(dirname "$0")/setup.sh"

USERS="${DEMO_USERS:-1000}"
set -x
$PY manage.py migrate --no-input
$PY manage.py seed_demo_users "$USERS" --without-profiles 30% --deleted 1%
