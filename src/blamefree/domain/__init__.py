"""The pure core: the post-mortem document and the rules over it. No I/O here."""
