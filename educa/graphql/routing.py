from django.urls import path

from educa.graphql.consumers import GraphQLConsumer

websocket_urlpatterns = [path("ws/graphql/", GraphQLConsumer.as_asgi())]
