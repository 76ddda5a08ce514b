"""The portable run (tests/test_portable.py): Python loads this module at start-up in every process whose
PYTHONPATH names this folder — the test's build and the processes it starts — and it takes away what
only Linux (and partly macOS) offers, as Windows lacks it: os.fork and register_at_fork, fcntl, user ids,
statvfs, sched_getaffinity. What cannot be deleted from a process (the C library's renameat2 and prctl,
/dev/shm, fontconfig's fc-list on PATH) the test withholds through chamberpress.platform_support.WITHHOLD.
"""

import collections
import os
import shutil
import sys

TAKEN = ("fork", "forkpty", "register_at_fork", "getuid", "geteuid", "statvfs", "fstatvfs", "sched_getaffinity")

# shutil.disk_usage stays, as Windows has it (there from nt._getdiskusage, here from statvfs kept aside).
_statvfs = os.statvfs
_usage = collections.namedtuple("usage", "total used free")


def _disk_usage(path):
    st = _statvfs(path)
    free, total = st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize
    return _usage(total, (st.f_blocks - st.f_bfree) * st.f_frsize, free)


shutil.disk_usage = _disk_usage

for _name in TAKEN:
    if hasattr(os, _name):
        delattr(os, _name)
sys.modules["fcntl"] = None  # `import fcntl` raises ImportError, as on Windows
