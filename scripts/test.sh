#!/usr/bin/env bash
# The whole test suite: lint, then pytest against PostgreSQL (DATABASE_URL if set,
# otherwise the embedded server) on Django 5.2 LTS and Python 3.11, every test; then the
# version matrix: Django 6.0 and 6.1 on Python 3.12 and 3.13, all but the tests marked
# slow (pyproject.toml says why) except those also marked every_django, each leg in its
# own virtualenv .venv-pyX.Y-djangoA.B.
# The last leg runs with DATABASE_URL unset, i.e. on the embedded PostgreSQL 18.
#
#   scripts/test.sh [pytest args]                lint, the main run, the matrix
#   scripts/test.sh --no-matrix [pytest args]    lint and the main run only
#   scripts/test.sh --matrix-only [pytest args]  the matrix only
#   USERSYNC_MATRIX="3.13:6.1:embedded" scripts/test.sh --matrix-only   one leg
# Extra arguments go to every pytest run. Exits non-zero when any run fails (pytest's
# exit 5, "no tests ran", included).
source "$(dirname "$0")/setup.sh"
source "$(dirname "$0")/legs.sh"

# The exact Django release each matrix leg installs over requirements.txt's 5.2 pin.
declare -A DJANGO_PIN=([6.0]=6.0.10 [6.1]=6.1.3)
# python:django:database, where "server" is DATABASE_URL as given and "embedded" unsets it.
MATRIX="${USERSYNC_MATRIX:-3.12:6.0:server 3.12:6.1:server 3.13:6.0:server 3.13:6.1:embedded}"

main=true matrix=true
case "${1:-}" in
    --no-matrix) matrix=false; shift ;;
    --matrix-only) main=false; shift ;;
esac

# The newest CPython X.Y that pyenv has, else pythonX.Y on PATH (checked by running it).
find_python() {
    local version=$1 root candidate
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    for candidate in $(printf '%s\n' "$root"/versions/"$version".*/bin/python"$version" | sort -rV) \
        "$(command -v "python$version" || true)"; do
        if [ -x "$candidate" ] && [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# A leg's virtualenv: requirements.txt, then the leg's Django over it. Made anew when the
# interpreter changes; installed again when requirements.txt, pyproject.toml or the pin do.
leg_venv() {
    local python_version=$1 django=$2 venv=$3 python wanted
    python=$(find_python "$python_version") || {
        echo "usersync: Python $python_version not found (pyenv install $python_version, or put python$python_version on PATH)" >&2
        return 1
    }
    if [ "$(cat "$venv/.python" 2>/dev/null)" != "$python" ]; then
        echo "usersync: creating $venv with $("$python" --version)" >&2
        "$python" -m venv --clear "$venv" && echo "$python" > "$venv/.python" || return 1
    fi
    wanted=$( (echo "Django==${DJANGO_PIN[$django]}"; cat requirements.txt pyproject.toml) | sha256sum | cut -d' ' -f1)
    [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ] && return 0
    echo "usersync: installing requirements.txt and Django ${DJANGO_PIN[$django]} into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt &&
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "Django==${DJANGO_PIN[$django]}" &&
        echo "$wanted" > "$venv/.requirements.sha256"
}

where() {  # the database a run uses, without its password
    if [ -n "${DATABASE_URL:-}" ]; then echo "PostgreSQL at ${DATABASE_URL##*@}"; else echo "the embedded PostgreSQL"; fi
}

results=() failed=0
record() {  # name, exit status, start time
    local status=$2 outcome seconds=$(( $(date +%s) - $3 ))
    case $status in
        0) outcome=passed ;;
        5) outcome="FAILED (exit 5: no tests ran)" ;;
        *) outcome="FAILED (exit $status)" ;;
    esac
    [ "$status" = 0 ] || failed=1
    results+=("$1 $outcome in $((seconds / 60))m$((seconds % 60))s")
}

if $main; then
    # Debian packages the tests drive: PgBouncer (the transaction-pooler tests) and
    # chromium (the admin's browser test; never a downloaded browser).
    scripts/system-packages.sh pgbouncer chromium

    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/lint-imports --no-cache >/dev/null \
        || { .venv/bin/lint-imports --no-cache; echo "usersync: an import runs against the layers (pyproject.toml)" >&2; exit 1; }
    NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)" \
        || { echo "usersync: the documentation site does not build (mkdocs.yml)" >&2; exit 1; }
    $PY manage.py makemigrations --check --dry-run >/dev/null \
        || { echo "usersync: models and migrations disagree (makemigrations --check)" >&2; exit 1; }

    start=$(date +%s) status=0
    echo "=== py$($PY -c 'import platform; print(platform.python_version())') django$($PY -m django --version) (all tests) on $(where) ==="
    $PY -m pytest "$@" || status=$?
    record "py3.11/django5.2(all)" "$status" "$start"
fi

if $matrix; then
    for leg in $MATRIX; do
        IFS=: read -r python_version django database <<<"$leg"
        venv=".venv-py$python_version-django$django"
        start=$(date +%s) status=0
        if [ -z "${DJANGO_PIN[$django]:-}" ]; then
            echo "usersync: no Django pin for $django in scripts/test.sh" >&2
            status=1
        elif ! leg_venv "$python_version" "$django" "$venv"; then
            status=1
        else
            (
                [ "$database" = embedded ] && unset DATABASE_URL
                echo "=== py$python_version django$("$venv/bin/python" -m django --version) (not slow, plus every_django) on $(where) ==="
                "$venv/bin/python" manage.py makemigrations --check --dry-run >/dev/null || {
                    echo "usersync: models and migrations disagree on Django $django" >&2
                    exit 1
                }
                exec "$venv/bin/python" -m pytest -m "not slow or every_django" "$@"
            ) || status=$?
        fi
        record "py$python_version/django$django($(leg_database "$database"))" "$status" "$start"
    done
fi

summary=$(printf '%s; ' "${results[@]}")
echo "=== summary: ${summary%; } ==="
exit "$failed"
