"""WSGI entry point for gunicorn: `gunicorn companion.wsgi:app`."""

from companion.context import Context
from companion.web import create_app

app = create_app(Context.from_environment())
