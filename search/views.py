from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .results import search_for

# Longer than any name or phrase worth searching for.
MAX_QUERY_LENGTH = 200


@permission_required("partners.view_organization", raise_exception=True)
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """The header's search box lands here. Staff who may see the partners
    may search; each kind of result shows only to who may view that kind."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    sections = search_for(request.user, text)
    context = {"q": text, "sections": sections, "found": sum(len(section.rows) for section in sections)}
    return render(request, "search/results.html", context)
