# Sourced by scripts/test.sh: what a matrix leg's summary says it ran on.

# leg_database server|embedded: "server" only when DATABASE_URL names one; a "server"
# leg without DATABASE_URL runs on the embedded PostgreSQL, and says so.
leg_database() {
    if [ "$1" = server ] && [ -n "${DATABASE_URL:-}" ]; then echo server; else echo embedded; fi
}
