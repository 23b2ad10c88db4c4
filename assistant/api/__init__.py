"""HTTP API and web page over one `Assistant`: `create_app(assistant)`.

app.py        create_app: lifespan, middleware, routers, the web page
bodies.py     request and response bodies
responses.py  the error body, security headers and the exception handlers
limits.py     the request body size limit
shared.py     `Api`: chat sessions, the admin check and uploads, shared by the routes
questions.py  /ask, /chat
documents.py  /documents, /clauses, /facts, /health
admin.py      /admin/ingest, /admin/documents/{id}, /admin/reload
"""

from assistant.api.app import create_app, create_app_from_settings

__all__ = ["create_app", "create_app_from_settings"]
