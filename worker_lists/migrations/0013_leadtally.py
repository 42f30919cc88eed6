"""The lead tally (issue 14): lead counts per agency, work regency, branch and status, read by the
lead list instead of counting millions of leads per request. Filled here from the existing leads
(the same recount as services.lead_tally_rebuild, written against this migration's models)."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


def _tally_fill(apps, schema_editor):
    tally = apps.get_model("worker_lists", "LeadTally")._meta.db_table
    lead = apps.get_model("worker_lists", "EnrollmentLead")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    schema_editor.execute(f"DELETE FROM {quote(tally)}")
    schema_editor.execute(
        f"""
        INSERT INTO {quote(tally)} (agency_id, work_regency_id, branch_id, status, count)
        SELECT agency_id, work_regency_id, branch_id, status, COUNT(*)
        FROM {quote(lead)}
        GROUP BY agency_id, work_regency_id, branch_id, status
        """
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_agencyapikey"),
        ("regions", "0002_sakernas_flags_formal_target_history"),
        ("worker_lists", "0012_lead_parents_without_constraints"),
    ]

    operations = [
        migrations.CreateModel(
            name="LeadTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "Baru"),
                            ("enrolled", "Sudah didaftarkan"),
                            ("unreachable", "Tidak dapat dihubungi"),
                            ("not_eligible", "Tidak memenuhi syarat"),
                        ],
                        max_length=12,
                    ),
                ),
                ("count", models.BigIntegerField(default=0)),
                (
                    "agency",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="agencies.partneragency",
                    ),
                ),
                (
                    "branch",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="regions.branchoffice",
                    ),
                ),
                (
                    "work_regency",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="regions.regency",
                    ),
                ),
            ],
            options={
                "verbose_name": "jumlah prospek",
                "verbose_name_plural": "jumlah prospek",
                "indexes": [
                    models.Index(fields=["branch", "status"], name="lead_tally_branch_idx"),
                    models.Index(fields=["work_regency", "agency"], name="lead_tally_regency_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("agency"),
                        models.F("work_regency"),
                        django.db.models.functions.comparison.Coalesce(
                            models.F("branch"),
                            models.Value(0),
                            output_field=models.BigIntegerField(),
                        ),
                        models.F("status"),
                        name="lead_tally_key",
                    )
                ],
            },
        ),
        migrations.RunPython(_tally_fill, migrations.RunPython.noop, elidable=False),
    ]
