"""OpenAPI post-processing: document the error responses every operation can give."""

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'A `{"detail": "..."}` message, or field names mapped to lists of errors.'
    ),
    "additionalProperties": True,
}


def add_error_responses(result: dict, generator, request, public: bool) -> dict:
    """Declare `4XX` (bad input, auth, permission, not found, throttled) everywhere.

    Every error the API gives is a JSON object rendered by
    `educa.api.exceptions.exception_handler`; 429 comes with `Retry-After`.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    error = {
        "description": "Bad input, not signed in, not allowed, not found or throttled.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault("4XX", error)
    return result
