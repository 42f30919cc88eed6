"""Indexes for the lead list's order (-created_at, -id), alone and after its filters (issue 14):
the first pages become index scans instead of sorting millions of leads.

Built CONCURRENTLY on PostgreSQL (hence atomic = False) so a live table keeps taking leads;
a plain CREATE INDEX elsewhere. The model state is the ordinary AddIndex.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
    models.Index(fields=["agency", "-created_at", "-id"], name="lead_agency_created_idx"),
    models.Index(fields=["branch", "-created_at", "-id"], name="lead_branch_created_idx"),
    models.Index(fields=["work_regency", "-created_at", "-id"], name="lead_regency_created_idx"),
    models.Index(
        condition=~models.Q(status="new"),
        fields=["status", "-created_at", "-id"],
        name="lead_worked_created_idx",
    ),
]


def _create(apps, schema_editor):
    model = apps.get_model("worker_lists", "EnrollmentLead")
    postgresql = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if postgresql:
            # IF NOT EXISTS is not offered by add_index: an interrupted CONCURRENTLY build
            # leaves an invalid index behind, dropped first.
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)


def _drop(apps, schema_editor):
    model = apps.get_model("worker_lists", "EnrollmentLead")
    postgresql = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if postgresql:
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("worker_lists", "0013_leadtally"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="enrollmentlead", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(_create, _drop, elidable=False)],
        )
    ]
