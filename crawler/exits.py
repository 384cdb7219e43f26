"""Exit statuses, defined once for every command (the CLI and ``wirearchive crawl``).

A scheduler reads these, so they are a public contract: 1 means the run finished and
only some inputs were bad (they are quarantined or failed, each with its rule; the rest
went through), 2 means nothing can be trusted about the run (a usage error, or a fault
of the archive itself), 130 means stopped early by a signal, consistent, rerun to go on.
"""

from __future__ import annotations

__all__ = ["EXIT_FATAL", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PROBLEMS"]

#: Every input archived, unchanged or valid; every check passed.
EXIT_OK = 0
#: Some input was invalid, quarantined or failed, or a check found a problem.
EXIT_PROBLEMS = 1
#: A usage error, or a fault of the archive (missing, locked, unwritable, damaged catalog).
EXIT_FATAL = 2
#: 128 + SIGINT, what a shell reports for a Ctrl-C; for SIGTERM too, so that a scheduler
#: sees one code for "stopped early, consistent, rerun to go on".
EXIT_INTERRUPTED = 130
