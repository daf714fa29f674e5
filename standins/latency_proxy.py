"""A loopback TCP proxy that adds a fixed delay to every request (each chunk the client sends), so a local
emulator (Azurite) answers like a storage account across a network: a benchmark of a blob source pays a
round trip per request as it would against Azure, not the sub-millisecond loopback time.

    with delayed("127.0.0.1", azurite_port, delay=0.01) as port:
        ...  # talk to 127.0.0.1:port instead
"""
from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Iterator


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while data := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@contextlib.contextmanager
def delayed(host: str, port: int, delay: float) -> Iterator[int]:
    """Serve a proxy to ``host:port`` on a free loopback port (yielded); requests wait ``delay`` seconds."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict = {}

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(host, port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w, delay), _pipe(up_r, client_w, 0.0))

    async def serve() -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        box["server"] = await asyncio.start_server(handle, sock=sock, backlog=512)
        box["port"] = sock.getsockname()[1]
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(serve()), loop.run_forever()), daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield box["port"]
    finally:
        loop.call_soon_threadsafe(box["server"].close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
