"""The versioned archive: records, versions, provenance, catalog (issue 2/4 builds it).

Only the package exists so far; its record and provenance formats are already fixed by
``schemas/record_1.0.json`` and ``schemas/provenance_1.0.json``.
"""

__all__: list[str] = []
