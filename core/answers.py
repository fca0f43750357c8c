"""How the portal answers a refusal to a program: the one JSON shape, and who gets it.

Below both `core.api` (the API's exception handler) and the middleware that answers
requests the API never sees (`core.busy`, `core.csrf`, `core.errors`, `core.methods`),
so that each calls these two rather than keep its own.
"""


def refusal(detail, code: str, **extra) -> dict:
    """The shape of every refusal the API gives: a message, a code, field errors, warnings."""
    return {"detail": str(detail), "code": code, "errors": {}, "warnings": {}, **extra}


def wants_json(request) -> bool:
    """Whether an error is answered in the refusals' JSON shape rather than as a page: under
    /api/, to the portal's own scripts (the report form's autosave sends X-Requested-With),
    and to any client that does not take HTML."""
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or not request.accepts("text/html")
    )
