from django.db import migrations

from usersync.db.operations import ApplyIfMissing


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    # Before usersync's first migration, without usersync depending on this optional app.
    run_before = [("usersync", "0001_initial")]

    operations = [
        ApplyIfMissing(
            "supabase_standin.v1", relation="auth.users", disabled_by="DISABLE_BOOTSTRAP"
        ),
    ]
