"""The gradebook as a table to download."""

import csv
import io

from educa.learning.selectors import Gradebook


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as written: never a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(gradebook: Gradebook) -> str:
    """One row per student: who, progress, completion, last activity, then
    each quiz's counted score (%)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            *("username", "name", "progress_percent", "contents_done"),
            *("contents_total", "completed_at", "last_activity"),
            *(f"quiz: {entry.quiz.title}" for entry in gradebook.quizzes),
        ]
    )
    for row in gradebook.rows:
        writer.writerow(
            _cell(value)
            for value in (
                row.student.username,
                row.student.name,
                row.percent,
                row.completed,
                gradebook.total_contents,
                row.completed_at.isoformat() if row.completed_at else "",
                row.last_activity.isoformat(),
                *row.scores,
            )
        )
    return buffer.getvalue()
