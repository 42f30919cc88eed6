# Enrollment leads now live in worker_lists, with the lists that create them and the pages that
# show them. The table is renamed, not copied: no row moves.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0005_lead_indexes_for_bulk_ingest"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(
                    name="enrollmentlead", table="worker_lists_enrollmentlead"
                ),
            ],
            state_operations=[migrations.DeleteModel(name="EnrollmentLead")],
        ),
    ]
