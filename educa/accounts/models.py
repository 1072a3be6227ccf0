from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from educa.accounts.avatars import avatar_url

INSTRUCTORS_GROUP = "Instructors"
# Sign-up and profile changes refuse an address another account uses. The
# answer asserts nothing about that account (who has it, that it exists), and
# still tells its owner, who forgot signing up, what to do.
EMAIL_UNAVAILABLE = _(
    "This email address cannot be used. Use another one, or sign in if you "
    "have signed up with it before."
)


def name_search_vector(prefix: str = "") -> SearchVector:
    """A person's display name and username as a full-text vector (English,
    as course search reads it). Course search matches instructors with this
    exact expression, which the GIN index below serves on PostgreSQL."""
    return SearchVector(f"{prefix}display_name", f"{prefix}username", config="english")


class User(AbstractUser):
    """A person using Educa. Instructors are members of the Instructors group."""

    email = models.EmailField(_("email address"))
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), max_length=500, blank=True)
    # "avatars/<id>/<random>": the stored sizes are "<this>-<size>.webp".
    avatar = models.CharField(_("avatar"), max_length=100, blank=True, editable=False)
    email_missed_messages = models.BooleanField(
        _("e-mail me direct messages and mentions I missed"), default=True
    )
    # False only for people who signed up while REQUIRE_EMAIL_VERIFICATION
    # was on and have not followed the link yet.
    email_verified = models.BooleanField(_("e-mail address verified"), default=True)

    REQUIRED_FIELDS = ["email"]

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                violation_error_message=EMAIL_UNAVAILABLE,
            ),
        ]
        indexes = [GinIndex(name_search_vector(), name="user_name_search_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """What other people see: the display name, else the username."""
        return self.display_name or self.username

    def avatar_url(self, size: int = 64) -> str:
        """The picture of at least `size` pixels square: the uploaded one,
        else a generated one with the person's initials.

        Worked out once per instance for its current picture, name and id:
        a chat socket's user is one instance for the socket's life, and
        every message it posts carries the sender's avatar, whose URL took
        the socket's database thread 12 µs or more to reverse each time
        (bench/README.md, "Issue 16: what a posted message cost more")."""
        key = (self.avatar, self.name, self.pk, size)
        if key not in self._avatar_urls:
            self._avatar_urls[key] = avatar_url(
                stem=self.avatar, name=self.name, key=self.pk or 0, size=size
            )
        return self._avatar_urls[key]

    @cached_property
    def _avatar_urls(self) -> dict[tuple[str, str, int | None, int], str]:
        return {}

    @property
    def is_instructor(self) -> bool:
        return self.has_perm("courses.add_course")
