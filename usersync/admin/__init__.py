"""Django admin for staff: profiles, auth users without one, the logs, staff links.
Every change goes through usersync functions (staff_changes, profiles, sync); the site
itself is usersync.admin.status."""

from usersync.admin import logs, missing, profiles, staff_links  # noqa: F401  (registers)
