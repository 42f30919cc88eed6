"""The coverage index becomes partial (active participants) keyed on (work_regency, segment) with
registered_on carried (issue 14, part 3): equal keys stay in heap order, so the index-only scan no
longer jumps between visibility-map pages for every entry. The new index is built before the old
one is dropped, so coverage never runs without one. Building it on a national register takes about
a minute and blocks writes to participants meanwhile; run it in a quiet hour."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0006_employer_npp_upper_index"),
        ("participants", "0008_coverage_indexes_for_past_months"),
        ("regions", "0002_sakernas_flags_formal_target_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["work_regency", "segment"],
                include=("registered_on",),
                name="participant_active_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="participant",
            name="participant_coverage_idx",
        ),
    ]
