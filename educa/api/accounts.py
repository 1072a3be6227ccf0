"""Token endpoints: obtain, refresh (rotating), blacklist (log out)."""

from rest_framework_simplejwt import views as jwt_views

from educa.api.throttling import AuthRateThrottle


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    throttle_classes = [AuthRateThrottle]


class TokenRefreshView(jwt_views.TokenRefreshView):
    throttle_classes = [AuthRateThrottle]


class TokenBlacklistView(jwt_views.TokenBlacklistView):
    pass
