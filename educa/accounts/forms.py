from django import forms
from django.contrib.auth.forms import UserCreationForm

from educa.accounts.models import User


class StudentRegistrationForm(UserCreationForm):
    email = forms.EmailField(help_text="We never show it to other people.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "display_name")
        help_texts = {"display_name": "Optional: the name other people see."}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "A user with that email address already exists."
            )
        return email
