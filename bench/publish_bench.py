"""Publishing a large chamber to an SFTP server on this machine: a first publish and a one-edit publish,
by `chamber publish` (paramiko) and, for comparison, by rclone (Debian's package) syncing the same site.

    .venv/bin/python -m bench.publish_bench --posts 2000

Writes a synthetic chamber (bench/corpus.py) into a temporary folder, builds it, starts OpenSSH's server on
a free port of 127.0.0.1 with keys made for the run (`local_sshd`, also used by tests/test_publish.py), and
prints the times. Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Iterator

SSHD = shutil.which("sshd", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", ""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


@contextlib.contextmanager
def local_sshd(root: Path) -> Iterator[tuple[int, Path, str]]:
    """OpenSSH's server on a free port of 127.0.0.1 with its own config and host key in `root`, letting this
    user in with a key made for it. Yields (port, a home folder whose .ssh/ holds the key, the line that
    trusts the server in known_hosts)."""
    if SSHD is None:
        raise FileNotFoundError("sshd (Debian's openssh-server) is not installed")
    home = root / "home"
    (home / ".ssh").mkdir(parents=True)
    for key in (root / "host_key", home / ".ssh/id_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    shutil.copy(home / ".ssh/id_ed25519.pub", root / "authorized_keys")
    port = free_port()
    (root / "sshd_config").write_text(
        textwrap.dedent(f"""\
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {root / "host_key"}
            PidFile {root / "sshd.pid"}
            AuthorizedKeysFile {root / "authorized_keys"}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            Subsystem sftp internal-sftp
            """)
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder, when started as root
    # An absolute path: sshd refuses to start otherwise (it re-executes itself).
    server = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(root / "sshd_config")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(port, server, "sshd")
        kind, key = (root / "host_key.pub").read_text().split()[:2]
        yield port, home, f"[127.0.0.1]:{port} {kind} {key}\n"
    finally:
        server.terminate()
        server.wait(10)


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr}")
    return seconds, (done.stdout + done.stderr).strip().splitlines()[-1] if (done.stdout + done.stderr).strip() else ""


def main(argv: list[str] | None = None) -> None:
    from bench.corpus import write_chamber as write_corpus
    from chamberpress.build.pipeline import build_chamber

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--no-rclone", action="store_true", help="leave out the comparison with rclone")
    args = parser.parse_args(argv)
    today = dt.date(2026, 11, 25)
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as scratch:
        root = Path(scratch)
        write_corpus(root, "big", seed=11, posts=args.posts, members=args.members)
        content, out = root / "content", root / "sites"
        started = time.perf_counter()
        build_chamber("big", content, out, today=today, workers=os.cpu_count() or 1)
        site = out / "big"
        files = sum(1 for p in site.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        print(f"site: {files:,} files, {size / 1048576:.1f} MB (built in {time.perf_counter() - started:.1f} s)")
        with local_sshd(root / "sshd") as (port, home, known):
            (home / ".ssh/known_hosts").write_text(known)
            env = {**os.environ, "HOME": str(home)}
            env.pop("SSH_AUTH_SOCK", None)
            user = getpass.getuser()
            chamber = [sys.executable, "-m", "chamberpress.cli", "publish", "big", "--content", str(content)]
            chamber += ["--out", str(out), "--today", today.isoformat(), "--to"]
            rows = []
            target = root / "server" / "chamber"
            url = f"sftp://{user}@127.0.0.1:{port}{target}"
            rows.append(("chamber publish", "first", *_timed([*chamber, url], env)))
            rows.append(("chamber publish", "nothing changed", *_timed([*chamber, url], env)))
            edit = next(iter(sorted((content / "big" / "news").rglob("*.md"))))
            edit.write_text(edit.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
            build_chamber("big", content, out, today=today, workers=os.cpu_count() or 1)
            rows.append(("chamber publish", "one edit", *_timed([*chamber, url], env)))
            if not args.no_rclone and shutil.which("rclone"):
                # Size and modification time, as rclone compares by default; no md5sum run on the server
                # after each file (that needs a shell there, and one command per file).
                remote = f":sftp,host=127.0.0.1,port={port},user={user},key_file={home / '.ssh/id_ed25519'}"
                remote += ",disable_hashcheck=true"
                remote += f",known_hosts_file={home / '.ssh/known_hosts'}:{root / 'server' / 'rclone'}"
                rclone = ["rclone", "sync", "--transfers", "4", "--stats-one-line", "-v", str(site)]
                for what in ("first", "nothing changed"):
                    rows.append(("rclone sync", what, *_timed([*rclone, remote], env)))
                edit.write_text(edit.read_text(encoding="utf-8") + "\n再补充一段。\n", encoding="utf-8")
                build_chamber("big", content, out, today=today, workers=os.cpu_count() or 1)
                rows.append(("rclone sync", "one edit", *_timed([*rclone, remote], env)))
        for tool, what, seconds, last in rows:
            print(f"{tool:24} {what:16} {seconds:6.1f} s   {last}")


if __name__ == "__main__":
    main()
