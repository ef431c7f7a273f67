from django.db import migrations

from usersync.db.operations import ApplyIfMissing


class Migration(migrations.Migration):
    dependencies = [("supabase_local", "0001_auth_standin")]

    operations = [
        ApplyIfMissing(
            "supabase_standin.v2", relation="auth.sessions", disabled_by="DISABLE_BOOTSTRAP"
        ),
    ]
