"""Reading the archive downstream: a Python API, Parquet exports, an HTTP API, a browser.

Everything here only reads: it opens the archive read-only and never creates one.
"""
