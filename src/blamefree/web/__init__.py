"""The web shell: server-rendered pages and the JSON API over the same services as the CLI.

``blamefree.web.app.create_app(settings)`` builds the ASGI app; importing this package does
nothing else (docs/architecture.md, docs/web.md).
"""
