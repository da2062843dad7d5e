#!/usr/bin/env python3
"""A privacyIDEA stand-in that answers every POST /validate/check only after DELAY seconds, with a
reject: the slow second factor of scripts/bench-memory.sh. asyncio, so thousands of parked requests
cost no threads. Counts the requests it holds on standard error every 5 s.

Usage: slow-mfa.py PORT DELAY_SECONDS
"""
import asyncio
import json
import sys

PORT, DELAY = int(sys.argv[1]), float(sys.argv[2])
held = 0


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global held
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            held += 1
            await asyncio.sleep(DELAY)
            held -= 1
            body = json.dumps({"result": {"status": True, "value": False}, "detail": {"message": "slow reject"}}).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def report() -> None:
    while True:
        await asyncio.sleep(5)
        print(f"slow-mfa: holding {held} request(s)", file=sys.stderr, flush=True)


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=4096)
    asyncio.create_task(report())
    async with server:
        await server.serve_forever()


asyncio.run(main())
