"""The faults the reference server answers with an HTTP error (429s, 5xx, 400, ...):
shared by the live handler (server) and the Batch API desk (batch)."""

_ERROR_FAULTS = frozenset(
    {
        "429",
        "429-ms",
        "429-bare",
        "quota",
        "500",
        "503",
        "400",
        "401",
        "403",
        "404",
        "schema400",
        "temperature400",
    }
)
