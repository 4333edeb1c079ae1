"""Headers every response of the product carries, set in one place."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# No page needs a camera, a microphone, the location or payments, and no
# embedded page may ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "usb",
    )
)  # fmt: skip


class ResponseHeaders:
    """Permissions-Policy on every response. And `Cache-Control: no-store`
    on every page (not the static files): staff pages hold confidential
    notes and contacts' details, which must not stay in a shared laptop's
    browser cache after logout; the respondent's pages are never cached
    either. Placed before WhiteNoise, so that static files get the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True, private=True)
        return response
