from django.db import migrations

from usersync.migration_operations import ApplyIfMissing


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        ApplyIfMissing(
            "supabase_standin.v1", relation="auth.users", disabled_by="DISABLE_BOOTSTRAP"
        ),
    ]
