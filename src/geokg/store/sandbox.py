"""The engine's sandbox: ``oxigraph serve`` in a private network namespace, reachable by one socket.

Run by :class:`geokg.store.engine.ManagedOxigraph` as
``unshare --user --map-root-user --net python -m geokg.store.sandbox ...``. Inside a new network
namespace the engine's TCP listener on 127.0.0.1 is invisible to every other process of the
machine (browsers, other users, other services); the only way in is the Unix socket this process
serves in a private (0700) directory, and every connection must start with a request carrying the
per-start key that only GeoKG holds (read from stdin, never from the command line).

The sandbox lives as long as its stdin: GeoKG holds the other end, so when GeoKG dies in any way
(even ``kill -9``) the pipe closes, the sandbox stops the engine and exits, and the database lock
is released for the next ``geokg serve``. The engine gets SIGKILL if the sandbox itself is killed.

Outbound SERVICE calls are possible only to allowlisted loopback endpoints: for each, the sandbox
listens on the same address inside the namespace and relays to a Unix socket GeoKG serves outside,
which connects to that endpoint and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import fcntl
import hmac
import os
import signal
import socket
import struct
import subprocess
import sys
import threading

#: The header every connection's first request must carry, with the per-start key.
KEY_HEADER = "x-geokg-engine-key"
_MAX_HEAD = 64 * 1024
_PR_SET_PDEATHSIG = 1


def _loopback_up() -> None:
    """Bring up ``lo`` of the new namespace (it starts down): SIOCGIFFLAGS/SIOCSIFFLAGS, no ``ip`` binary."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14s", b"lo", flags | iff_up, b""))


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()


async def _relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes,
                 connect: tuple[str, int] | str) -> None:
    try:
        if isinstance(connect, str):
            up_reader, up_writer = await asyncio.open_unix_connection(connect)
        else:
            up_reader, up_writer = await asyncio.open_connection(*connect)
    except OSError:
        writer.close()
        return
    up_writer.write(head)
    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


def has_key(head: bytes, key: str) -> bool:
    """Whether a request head carries the key header with exactly this key (constant-time compare)."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == KEY_HEADER.encode() and hmac.compare_digest(value.strip(), key.encode()):
            return True
    return False


def _ingress(key: str, engine: tuple[str, int]) -> object:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            writer.close()
            return
        if not has_key(head, key):
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            writer.close()
            return
        await _relay(reader, writer, head, engine)

    return handle


def _egress(path: str) -> object:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _relay(reader, writer, b"", path)

    return handle


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    while os.read(0, 1024):  # unbuffered: a buffered reader in a daemon thread upsets interpreter shutdown
        pass
    loop.call_soon_threadsafe(stop.set)


async def _serve(args: argparse.Namespace, key: str, address: tuple[str, int], engine: subprocess.Popen[bytes]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    threading.Thread(target=_watch_stdin, args=(loop, stop), daemon=True).start()
    servers = [await asyncio.start_unix_server(_ingress(key, address), path=args.socket, limit=_MAX_HEAD)]  # type: ignore[arg-type]
    os.chmod(args.socket, 0o600)
    for spec in args.egress:
        port, _, path = spec.partition("=")
        servers.append(await asyncio.start_server(_egress(path), "127.0.0.1", int(port)))  # type: ignore[arg-type]
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    while not stop.is_set() and engine.poll() is None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.2)
    for server in servers:
        server.close()
    if engine.poll() is None:
        engine.terminate()
        try:
            engine.wait(timeout=10)
        except subprocess.TimeoutExpired:
            engine.kill()
    return engine.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oxigraph", required=True)
    parser.add_argument("--location", required=True)
    parser.add_argument("--socket", required=True)
    parser.add_argument("--timeout-s", required=True)
    parser.add_argument("--egress", action="append", default=[], help="PORT=UNIX_SOCKET: relay 127.0.0.1:PORT out")
    args = parser.parse_args(argv)
    key = b""
    while not key.endswith(b"\n") and (byte := os.read(0, 1)):
        key += byte
    key = key.strip()
    if not key:
        sys.stderr.write("no engine key on stdin\n")
        return 2
    text_key = key.decode("ascii")
    _loopback_up()
    # The engine's port inside the namespace: any one the relays out do not use.
    taken = {int(spec.partition("=")[0]) for spec in args.egress}
    address = ("127.0.0.1", next(port for port in range(7878, 65535) if port not in taken))
    command = [args.oxigraph, "serve", "--location", args.location, "--bind", f"{address[0]}:{address[1]}",
               "--union-default-graph", "--timeout-s", args.timeout_s]
    engine = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603 - fixed arguments
                              preexec_fn=_die_with_parent)
    return asyncio.run(_serve(args, text_key, address, engine))


if __name__ == "__main__":
    sys.exit(main())
