"""The JSON schemas (data only): IPTC ninjs 1.0-3.1, GeoJSON and our own; see SOURCES.md.

This file only makes the folder a regular package, so that an editable install finds
the schemas as a wheel does.
"""
