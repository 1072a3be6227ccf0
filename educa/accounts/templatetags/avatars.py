from django import template

register = template.Library()


@register.filter
def avatar(user, size: int = 64) -> str:
    """`{{ person|avatar:128 }}`: the URL of their picture at that size."""
    return user.avatar_url(int(size))
