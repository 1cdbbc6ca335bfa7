"""Uploaded photos stay in memory: nothing the user sends is written to disk.

Streamlit's server (Starlette) parses an upload with a spooled temporary file that rolls over to
the system's temporary folder past 1 MB, so a phone photo would touch disk for the length of the
request. Raising the roll-over size to the app's upload limit keeps every upload in memory (the
limit, ``server.maxUploadSize``, already caps it). Called once by ``app.py``, at start.
"""

from __future__ import annotations


def keep_uploads_in_memory(max_upload_mb: int) -> int:
    """Set the server's spool size to the upload limit plus room for the form; return it."""
    from starlette.formparsers import MultiPartParser

    size = (max_upload_mb + 1) * 1024 * 1024
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, size)
    return MultiPartParser.spool_max_size
