"""The local web app behind ``modeller serve``: edit a set in the browser, see the case
move, download the papers.

:func:`modeller.web.app.create_app` builds the Starlette application over the Python
API; :func:`modeller.web.server.serve` runs it with uvicorn. Importing this package
imports neither Starlette nor uvicorn: the command imports them when it runs.
"""
