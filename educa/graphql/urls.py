from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from educa.graphql.schema import schema
from educa.graphql.views import GraphQLView

# The view makes the CSRF check itself: only for the session's users, as
# Bearer clients carry no cookie a forged request could ride on.
urlpatterns = [
    path("", csrf_exempt(GraphQLView.as_view(schema=schema)), name="graphql")
]
