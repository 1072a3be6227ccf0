"""A submitted attempt keeps its graded answers as JSON on its own row (one
write at submit, no read-back) instead of one AttemptAnswer row per question."""

from itertools import groupby

from django.db import migrations, models

BATCH = 500


def answers_to_json(apps, schema_editor):
    QuizAttempt = apps.get_model("learning", "QuizAttempt")
    AttemptAnswer = apps.get_model("learning", "AttemptAnswer")
    rows = AttemptAnswer.objects.order_by("attempt_id", "position").values(
        "attempt_id", "question_id", "response", "points", "correct"
    )
    changed = []
    for attempt_id, answers in groupby(rows.iterator(), key=lambda r: r["attempt_id"]):
        changed.append(
            QuizAttempt(
                pk=attempt_id,
                answers=[
                    {
                        "question": answer["question_id"],
                        "response": answer["response"],
                        "points": answer["points"],
                        "correct": answer["correct"],
                    }
                    for answer in answers
                ],
            )
        )
        if len(changed) == BATCH:
            QuizAttempt.objects.bulk_update(changed, ["answers"])
            changed = []
    QuizAttempt.objects.bulk_update(changed, ["answers"])


def json_to_answers(apps, schema_editor):
    QuizAttempt = apps.get_model("learning", "QuizAttempt")
    AttemptAnswer = apps.get_model("learning", "AttemptAnswer")
    attempts = QuizAttempt.objects.filter(answers__isnull=False).values("pk", "answers")
    for attempt in attempts.iterator():
        AttemptAnswer.objects.bulk_create(
            AttemptAnswer(
                attempt_id=attempt["pk"],
                question_id=answer["question"],
                position=position,
                response=answer["response"],
                points=answer["points"],
                correct=answer["correct"],
            )
            for position, answer in enumerate(attempt["answers"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0003_progress_attempts_certificates"),
    ]

    operations = [
        # Frees the name `answers` on QuizAttempt for the new field.
        migrations.AlterField(
            model_name="attemptanswer",
            name="attempt",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="learning.quizattempt",
            ),
        ),
        migrations.AddField(
            model_name="quizattempt",
            name="answers",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(answers_to_json, json_to_answers),
        migrations.DeleteModel(name="AttemptAnswer"),
    ]
