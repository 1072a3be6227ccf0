from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from educa.api import accounts

urlpatterns = [
    path("token/", accounts.TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", accounts.TokenRefreshView.as_view(), name="token_refresh"),
    path(
        "token/blacklist/",
        accounts.TokenBlacklistView.as_view(),
        name="token_blacklist",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]
