from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0001_initial")]

    operations = [RunSQLFile("row_level_security.v1")]
