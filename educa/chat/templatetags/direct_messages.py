"""Who on a page of people gets a "Message" button (chat/message_button.html)."""

from collections.abc import Iterable

from django import template

from educa.accounts.models import User
from educa.chat.permissions import people_to_message

register = template.Library()


@register.simple_tag(takes_context=True)
def messageable(context: template.Context, *people: User | Iterable[User]) -> set[int]:
    """`{% messageable person students as ids %}`: the ids of the people
    (single people or lists of them) the viewer may write to directly, in
    one query; `{% if person.pk in ids %}` then shows the button."""
    flat = [
        each
        for group in people
        for each in (group if isinstance(group, Iterable) else [group])
    ]
    return people_to_message(context["request"].user, flat)
