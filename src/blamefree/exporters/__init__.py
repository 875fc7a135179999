"""Documents people can send: a post-mortem as standalone HTML, PDF and CSV tables.

Each module turns read values into bytes and reads nothing itself: ``html`` (one file, styles
inline, the timeline picture as inline SVG), ``pdf`` (WeasyPrint over that HTML, fetching
nothing), ``tables`` (CSV cells neutralised against formula injection). The service that
reads the store and picks one is ``blamefree.services.exporting``.
"""
