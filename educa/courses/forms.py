"""Forms of the instructor pages. They validate input; services do the writing."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.forms import BaseInlineFormSet, inlineformset_factory

from educa.courses.models import (
    Course,
    File,
    Image,
    ItemBase,
    Module,
    Review,
    Text,
    Video,
)
from educa.courses.quiz_forms import QuizForm


class CourseForm(forms.ModelForm):
    # Not a model field of the form: the services cut the upload into the
    # course's two cover sizes. Unticking "Clear" keeps the current cover.
    cover = forms.ImageField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text="A picture for the catalog and the course page, cut to 16:9. "
        "Without one, a pattern in the subject's colours is drawn.",
    )

    class Meta:
        model = Course
        fields = ["subject", "title", "slug", "overview"]
        help_texts = {
            "slug": "Its web address: /course/your-slug/ (letters, digits, "
            "hyphens). Filled in from the title; a number is added if another "
            "course has that address.",
            "overview": "What students will learn; shown in the catalog.",
        }
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 6}),
            "slug": forms.TextInput(attrs={"data-slug-from": "id_title"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = bool(self.instance.pk)
        self.initial["cover"] = self.instance.cover or None
        if self.instance.pk:
            # A course's address stays what it is unless changed by hand.
            slug = self.fields["slug"]
            slug.widget.attrs.pop("data-slug-from", None)
            slug.help_text = (
                "Its web address: /course/your-slug/. Links to the old one stop "
                "working."
            )

    def service_fields(self) -> dict:
        """cleaned_data as the services take it: `cover` only when it changes
        (an upload, or None to remove it)."""
        fields = dict(self.cleaned_data)
        cover = fields.pop("cover", None)
        if cover is False:
            fields["cover"] = None
        elif isinstance(cover, UploadedFile):
            fields["cover"] = cover
        return fields


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class BaseModuleFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # The count names what a deletion takes with it (authoring.js asks).
        return (
            super()
            .get_queryset()
            .annotate(total_contents=Count("contents"))
            .order_by("order")
        )


# One empty row; authoring.js adds more without a round trip.
ModuleFormSet = inlineformset_factory(
    Course,
    Module,
    form=ModuleForm,
    formset=BaseModuleFormSet,
    extra=1,
    can_delete=True,
)


class TextForm(forms.ModelForm):
    class Meta:
        model = Text
        fields = ["title", "content"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 14, "data-markdown-preview": ""})
        }
        help_texts = {
            "content": "Markdown: **bold**, *italic*, lists, [links](https://…), "
            "`code` and fenced code blocks (```python) with highlighting."
        }


class VideoForm(forms.ModelForm):
    url = forms.URLField(
        label="Video link",
        assume_scheme="https",
        help_text="A YouTube or Vimeo link, e.g. https://youtu.be/…",
    )

    class Meta:
        model = Video
        fields = ["title", "url"]


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", "file"]
        labels = {"file": "Image"}
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "image/*"})}


class FileForm(forms.ModelForm):
    class Meta:
        model = File
        fields = ["title", "file"]


ITEM_FORMS: dict[str, type[forms.ModelForm]] = {
    "text": TextForm,
    "video": VideoForm,
    "image": ImageForm,
    "file": FileForm,
    "quiz": QuizForm,
}


def item_form(
    kind: str, item: ItemBase | None, data=None, files=None
) -> forms.ModelForm:
    """The form for a `kind` item; the instance is only validated, never saved."""
    return ITEM_FORMS[kind](data=data, files=files, instance=item)


class ReviewForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Review
        fields = ["rating", "text"]
        labels = {"text": "Your review (optional)"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
