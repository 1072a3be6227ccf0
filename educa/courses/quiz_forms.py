"""Forms of quiz authoring: a quiz's settings, and one question with its
choices. They parse input; `educa.courses.quiz_services` judges it."""

from typing import Any

from django import forms

from educa.courses.models import Question, Quiz
from educa.courses.quiz_services import TRUE_FALSE

CHOICE_ROWS = 8


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            *("title", "pass_percent", "max_attempts", "time_limit_seconds"),
            *("shuffle_questions", "shuffle_choices", "grading", "review"),
        ]
        labels = {
            "pass_percent": "Pass mark (%)",
            "time_limit_seconds": "Time limit (seconds)",
            "review": "Show the right answers",
        }


class QuestionForm(forms.Form):
    """One question of `kind`: the choice kinds get CHOICE_ROWS rows of
    choice text + "right" (blank rows are ignored)."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=True)
    points = forms.IntegerField(min_value=1, max_value=1000, initial=1)

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            for row in range(CHOICE_ROWS):
                label = f"Choice {row + 1}"
                self.fields[f"choice_{row}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs={"aria-label": label}),
                )
                self.fields[f"right_{row}"] = forms.BooleanField(
                    label=f"{label} is right",
                    required=False,
                    widget=forms.CheckboxInput(
                        attrs={"aria-label": f"{label} is right"}
                    ),
                )
        if kind == Question.Kind.MULTIPLE:
            self.fields["partial_credit"] = forms.BooleanField(
                required=False,
                help_text="Credit for each right choice picked (less for wrong "
                "ones) instead of all or nothing.",
            )
        if kind == Question.Kind.SHORT:
            self.fields["answers"] = forms.CharField(
                label="Accepted answers",
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="One per line; case and extra spaces do not matter.",
            )
        if kind == Question.Kind.NUMERIC:
            self.fields["answer"] = forms.FloatField()
            self.fields["tolerance"] = forms.FloatField(
                min_value=0, initial=0, help_text="Answers within ± this count."
            )

    def choice_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"choice_{row}"], self[f"right_{row}"])
            for row in range(CHOICE_ROWS)
            if f"choice_{row}" in self.fields
        ]

    def spec(self) -> dict[str, Any]:
        """The cleaned form as a question spec for the services."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "kind": self.kind,
            "text": data["text"],
            "points": data["points"],
        }
        if self.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            spec["choices"] = [
                {"text": data[f"choice_{row}"], "correct": data[f"right_{row}"]}
                for row in range(CHOICE_ROWS)
                if data.get(f"choice_{row}", "").strip()
            ]
        if self.kind == Question.Kind.MULTIPLE:
            spec["partial_credit"] = data["partial_credit"]
        if self.kind == Question.Kind.SHORT:
            spec["answers"] = [
                line for line in data["answers"].splitlines() if line.strip()
            ]
        if self.kind == Question.Kind.NUMERIC:
            spec["answer"] = data["answer"]
            spec["tolerance"] = data["tolerance"]
        return spec


def question_initial(question: Question) -> dict[str, Any]:
    """A stored question as the form's initial values."""
    initial: dict[str, Any] = {"text": question.text, "points": question.points}
    for row, choice in enumerate(question.choices.all()):
        initial[f"choice_{row}"] = choice.text
        initial[f"right_{row}"] = choice.correct
    initial["partial_credit"] = question.partial_credit
    initial["answers"] = "\n".join(question.accepted_answers)
    initial["answer"] = question.answer
    initial["tolerance"] = question.tolerance
    return initial


def true_false_initial() -> dict[str, Any]:
    """A single choice question preset as true/false (True is right; change it)."""
    initial: dict[str, Any] = {}
    for row, choice in enumerate(TRUE_FALSE):
        initial[f"choice_{row}"] = choice["text"]
        initial[f"right_{row}"] = choice["correct"]
    return initial
