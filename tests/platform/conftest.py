"""Fixtures for the real-platform tests, doing what the platform's own conftest.py files do for its tests.

Loaded only when running ``tests/platform`` (this directory has its own pytest.ini, so
``tests/conftest.py``, which sets up the XBlock SDK workbench, is outside the conftest cut-off). In the
project's default suite this file is loaded too: there it does nothing and every module skips itself.

Without a MongoDB server (on EDXAPP_TEST_MONGO_HOST:EDXAPP_TEST_MONGO_PORT, as the platform's test
settings read them), ``pymongo.MongoClient`` is replaced with mongomock's client before any modulestore or
contentstore exists: ``xmodule.mongo_utils.connect_to_mongodb`` (used by split, old mongo and the gridfs
contentstore) looks the class up on ``pymongo`` at each call. Clients for the same host and port share one
in-memory server, as they would share a real one, and gridfs accepts mongomock's databases.
"""
import os
import socket

import pytest

from .support import platform_kind

IN_PLATFORM = platform_kind() is not None


def _mongo_answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _use_mongomock():
    import mongomock  # pylint: disable=import-outside-toplevel
    import mongomock.database  # pylint: disable=import-outside-toplevel
    import mongomock.gridfs  # pylint: disable=import-outside-toplevel
    import pymongo  # pylint: disable=import-outside-toplevel
    from mongomock.store import ServerStore  # pylint: disable=import-outside-toplevel

    servers = {}

    class SharedServerMongoClient(mongomock.MongoClient):
        """A mongomock client; every client of one host:port sees the same databases."""

        def __init__(self, host=None, port=None, *args, **kwargs):
            kwargs.setdefault("_store", servers.setdefault((str(host), port), ServerStore()))
            super().__init__(host, port, *args, **kwargs)

    answer_command = mongomock.database.Database.command

    def command(self, command, **kwargs):
        """Also answer the health checks the modulestores send (``ismaster``/``hello``), as a lone primary."""
        name = command if isinstance(command, str) else next(iter(command), None)
        if name in ("ismaster", "isMaster", "hello"):
            return {"ismaster": True, "isWritablePrimary": True, "ok": 1.0}
        return answer_command(self, command, **kwargs)

    mongomock.database.Database.command = command
    pymongo.MongoClient = SharedServerMongoClient
    mongomock.gridfs.enable_gridfs_integration()
    return SharedServerMongoClient


MONGO = "none"
if IN_PLATFORM:
    # As the platform's cms/conftest.py (and manage.py) do before anything parses XML.
    from openedx.core.lib.safe_lxml import defuse_xml_libs  # pylint: disable=import-outside-toplevel
    defuse_xml_libs()
    _host = os.environ.get("EDXAPP_TEST_MONGO_HOST", "localhost")
    _port = int(os.environ.get("EDXAPP_TEST_MONGO_PORT", "27017"))
    if _mongo_answers(_host, _port):
        MONGO = f"MongoDB at {_host}:{_port}"
    else:
        try:
            _use_mongomock()
        except ImportError as error:
            raise pytest.UsageError(f"No MongoDB answers on {_host}:{_port} and mongomock is not installed "
                                    f"({error}): start MongoDB or `pip install mongomock`.") from None
        MONGO = f"mongomock (no MongoDB answered on {_host}:{_port})"


def pytest_report_header(config):
    """Say which platform settings and which Mongo this run uses."""
    if not IN_PLATFORM:
        return None
    return [f"edx-platform: {platform_kind().upper()} settings {os.environ.get('DJANGO_SETTINGS_MODULE')}; "
            f"modulestore on {MONGO}"]


if IN_PLATFORM:
    @pytest.fixture(autouse=True, scope="function")
    def _django_clear_site_cache():
        """As the platform's conftest: pytest-django must not swap the Site cache (CacheIsolationMixin clears it)."""

    @pytest.fixture(autouse=True)
    def no_webpack_loader(monkeypatch):
        """As the platform's conftest: templates render without compiled webpack bundles."""
        monkeypatch.setattr("webpack_loader.templatetags.webpack_loader.render_bundle",
                            lambda entry, extension=None, config="DEFAULT", attrs="": "")
        monkeypatch.setattr("webpack_loader.utils.get_as_tags",
                            lambda entry, extension=None, config="DEFAULT", attrs="": [])
        monkeypatch.setattr("webpack_loader.utils.get_files",
                            lambda entry, extension=None, config="DEFAULT", attrs="": [])
