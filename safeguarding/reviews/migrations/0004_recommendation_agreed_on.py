from django.db import migrations, models


def agreed_on_from_created(apps, schema_editor):
    # Recommendations recorded before this field existed were agreed, as far as anyone knows, when entered.
    Recommendation = apps.get_model("reviews", "Recommendation")
    for recommendation in Recommendation.objects.all():
        recommendation.agreed_on = recommendation.created_at.date()
        recommendation.save(update_fields=["agreed_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_review_progress"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrecommendation",
            name="agreed_on",
            field=models.DateField(help_text="The day the recommendation was agreed", null=True),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="agreed_on",
            field=models.DateField(help_text="The day the recommendation was agreed", null=True),
        ),
        migrations.RunPython(agreed_on_from_created, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalrecommendation",
            name="agreed_on",
            field=models.DateField(help_text="The day the recommendation was agreed"),
        ),
        migrations.AlterField(
            model_name="recommendation",
            name="agreed_on",
            field=models.DateField(help_text="The day the recommendation was agreed"),
        ),
    ]
