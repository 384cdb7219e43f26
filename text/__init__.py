"""Text helpers that readers and validation rules share, each defined once.

`dateline` (agency datelines), `encoding` (bytes to trusted text), `language` (a language
tag from the text), `chrome` (the one lexicon of page furniture), `boilerplate` (which lines
of a capture are story, by that lexicon, the layout and jusText) and `bcp47` (language tags).
This package sits below `validators`: it imports nothing else of wirearchive, so every
layer above can use it.
"""
