"""The partner's session on every request, and the wall between the portal
and the staff pages."""

from django.http import Http404, HttpRequest

from . import sessions

# What a partner may open besides the portal: the survey pages anyone with
# a link may answer, and static files.
OPEN_TO_PARTNERS = ("/portal/", "/s/", "/r/", "/static/", "/favicon")


class PortalMiddleware:
    """Sets request.portal (the live PortalSession, or None). A signed-in
    partner who is not signed in as staff gets 404 for every staff page,
    the same as for a page that does not exist: nothing says the staff side
    is there. After the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.portal = sessions.current(request)  # type: ignore[attr-defined]
        staff = request.user.is_authenticated
        if request.portal is not None and not staff and not request.path.startswith(OPEN_TO_PARTNERS):  # type: ignore[attr-defined]
            raise Http404
        return self.get_response(request)
