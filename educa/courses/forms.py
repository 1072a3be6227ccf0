"""Forms of the instructor pages. They validate input; services do the writing."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from educa.courses.models import Course, File, Image, ItemBase, Module, Text, Video
from educa.courses.quiz_forms import QuizForm


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["subject", "title", "slug", "overview"]
        help_texts = {
            "slug": "Its web address: /course/your-slug/ (letters, digits, hyphens).",
            "overview": "What students will learn; shown in the catalog.",
        }
        widgets = {"overview": forms.Textarea(attrs={"rows": 6})}


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class BaseModuleFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().order_by("order")


ModuleFormSet = inlineformset_factory(
    Course,
    Module,
    form=ModuleForm,
    formset=BaseModuleFormSet,
    extra=2,
    can_delete=True,
)


class TextForm(forms.ModelForm):
    class Meta:
        model = Text
        fields = ["title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"content": "Plain text; blank lines start new paragraphs."}


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
