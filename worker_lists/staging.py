"""Staging storage for uploaded lists: the database, in 1 MB pieces.

Why the database and not MEDIA_ROOT or an object store: the web process that accepts a list and
the worker that reads it may run on different hosts (a local MEDIA_ROOT then is two different
directories, and lists failed with "file not found"); both always reach PostgreSQL, while an
S3-compatible store would be one more service to run, secure and watch for files that are kept
a few seconds to minutes. The pieces are written in the same transaction as the submission, so
an accepted list always has its file, and are deleted once the list is done or failed. Another
backend (e.g. django-storages' S3Boto3Storage) can be configured as STORAGES["worker_list_staging"].
"""

from __future__ import annotations

import tempfile

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.db.models.functions import Length
from django.utils.deconstruct import deconstructible

CHUNK_BYTES = 1024 * 1024
# Read back into a temporary file: openpyxl seeks; small lists stay in memory.
_SPOOL_BYTES = 8 * 1024 * 1024


def _chunks():
    # Looked up when used: the storage is built while worker_lists.models is being imported.
    return apps.get_model("worker_lists", "StagedFileChunk").objects


@deconstructible
class DatabaseStagingStorage(Storage):
    def _save(self, name: str, content) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        written = 0
        for seq, piece in enumerate(content.chunks(CHUNK_BYTES)):
            _chunks().create(name=name, seq=seq, data=piece)
            written += 1
        if not written:
            # An empty file still exists (and is reported as unreadable, not as missing).
            _chunks().create(name=name, seq=0, data=b"")
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - returned
        found = False
        pieces = (
            _chunks()
            .filter(name=name)
            .order_by("seq")
            .values_list("data", flat=True)
            .iterator(chunk_size=4)
        )
        for piece in pieces:
            spooled.write(piece)
            found = True
        if not found:
            spooled.close()
            raise FileNotFoundError(name)
        spooled.seek(0)
        return File(spooled, name=name)

    def exists(self, name: str) -> bool:
        return _chunks().filter(name=name).exists()

    def delete(self, name: str) -> None:
        _chunks().filter(name=name).delete()

    def size(self, name: str) -> int:
        return sum(
            _chunks()
            .filter(name=name)
            .annotate(length=Length("data"))
            .values_list("length", flat=True)
        )

    def url(self, name: str) -> str:
        raise NotImplementedError("staged lists are never served")
