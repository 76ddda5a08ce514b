"""The processes `chamber build --all` builds chambers in, when it builds several at once.

They start from a clean server process (multiprocessing's forkserver), not as forks of the command's own
process: MkDocs keeps plugin instances per process, and forked copies would share them. The server
imports MkDocs, Material and our plugin once (PRELOAD); each worker starts as a fork of it, ready.
The command starts the server first thing (`start_early`), so that it loads those while the command
loads its own modules and checks which chambers changed, instead of after.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
from multiprocessing.context import BaseContext

PRELOAD = ["generator.mkdocs_adapter", "generator.plugin", "material.plugins.blog.plugin"]


def context() -> BaseContext:
    """The multiprocessing context for worker pools: processes forked from the preloaded server."""
    server = multiprocessing.get_context("forkserver")
    server.set_forkserver_preload(PRELOAD)
    return server


def start_early() -> None:
    """Start the server now (it is started anyway by the first pool; this only moves its start forward)."""
    context()
    multiprocessing.forkserver.ensure_running()
