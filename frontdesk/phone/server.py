"""`frontdesk listen`: the HTTP endpoint phone systems tell about calls (aiohttp).

    POST /api/v1/cti/TOKEN            the generic CTI push format (formats.cti_event)
    GET  /phone/TOKEN/EVENT?...       desk phones' Action URLs (formats.desk_phone_event)

Answers: 200 (`{}`, JSON) once the event is committed to the database; 400 with a one-line
reason for a request that is no event (nothing stored); 403 for a client outside the allowed
networks (only loopback unless `--allow` names networks, which then are the only ones); 404
for a wrong token (nothing stored); 413 for a body over 64 KB; 503 when the database refuses
the write (the sender may retry). One log line per request on standard error.

Database work runs on one thread of its own (a ThreadPoolExecutor with one worker, which
opens the desk), so the event loop never waits on SQLite and writes never interleave. A
timer closes calls whose hang-up was lost (desk.phone.sweep) every SWEEP_EVERY seconds.
SIGTERM and SIGINT stop it cleanly: requests in flight finish, the database closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import ipaddress
import json
import signal
import socket
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict

from ..errors import DeskError, describe_failure
from ..text import one_line
from .formats import FormatError, cti_event, describe, desk_phone_event
from .models import EventResult, PhoneEvent

if TYPE_CHECKING:
    from ..services import Desk

BODY_LIMIT = 64 * 1024
SWEEP_EVERY = 30.0  # seconds between two runs of the lost hang-up rule
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")


def parse_networks(values: Iterable[str]) -> list[Network]:
    """`--allow` values as networks; ValueError naming the one that is not."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"--allow {value!r} is not a network (e.g. 192.168.1.0/24 or 10.0.0.5)") from None
    return networks


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """The host as URLs name it: the machine's name for a wildcard bind, IPv6 in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    return f"[{host}]" if ":" in host else host


def urls(host: str, port: int, token: str) -> list[str]:
    """Every URL to paste into a phone system, with each brand's own variables."""
    base = f"http://{url_host(host)}:{port}"
    phone = f"{base}/phone/{token}"
    brands = (
        # brand, where it is set, (event, setting, query) ...
        ("Yealink", "Features > Action URL (or the action_url.* keys of the config file)", "$remote",
         "$display_remote", "&call_id=$call_id", "$active_user",
         (("incoming", "Incoming Call (action_url.incoming_call)"),
          ("outgoing", "Outgoing Call (action_url.outgoing_call)"),
          ("answered", "Established (action_url.call_established)"),
          ("ended", "Terminated (action_url.call_terminated)"),
          ("missed", "Missed Call (action_url.missed_call)"))),
        ("Snom", "Advanced > Action URL Settings (or the action_*_url settings)", "$remote",
         "$display_remote", "&call_id=$call-id", "$active_user",
         (("incoming", "Incoming call (action_incoming_url)"),
          ("outgoing", "Outgoing call (action_outgoing_url)"),
          ("answered", "Connected (action_connected_url)"),
          ("ended", "Disconnected (action_disconnected_url)"),
          ("missed", "Missed (action_missed_url)"))),
        ("Grandstream", "Settings > Outbound Notification > Action URL", "$remote",
         "$display_remote", "", "$active_user",
         (("incoming", "Incoming Call"), ("outgoing", "Outgoing Call"), ("answered", "Established Call"),
          ("ended", "Terminated Call"), ("missed", "Missed Call"))),
    )
    lines = ["Generic CTI (Zammad format; a bridge written for Zammad needs only this URL):",
             f"  {base}/api/v1/cti/{token}"]
    for brand, where, number, name, call_id, line, events in brands:
        lines += ["", f"{brand} ({where}):"]
        for event, setting in events:
            lines.append(f"  {setting}:")
            lines.append(f"    {phone}/{event}?number={number}&name={name}{call_id}&line={line}")
    return lines


class Listener:
    """The aiohttp application and the one database thread behind it."""

    def __init__(self, open_desk: Callable[[], Desk], token: str, allow: list[Network],
                 log: Callable[[str], None] | None = None) -> None:
        self.open_desk = open_desk
        self.token = token
        self.allow = list(allow) or list(LOOPBACK)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontdesk-db")
        self._desk: Desk | None = None
        self._sweeper: asyncio.Task | None = None
        self._writer: asyncio.Task | None = None
        self._pending: list[tuple[PhoneEvent, asyncio.Future]] = []
        self._wake: asyncio.Event | None = None

    # -- the database thread --------------------------------------------------------------
    def _in_thread(self, work: Callable[[Desk], T]) -> T:
        if self._desk is None:
            self._desk = self.open_desk()
        return work(self._desk)

    async def db(self, work: Callable[[Desk], T]) -> T:
        """Run `work(desk)` on the database thread; the event loop goes on meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._in_thread, work)

    async def apply(self, event: PhoneEvent) -> EventResult:
        """Apply one event; returns once it is committed. Events that arrive while a write is
        under way go together in the next transaction, each in a savepoint of its own (one
        refused event leaves the others), so a burst costs one disk sync, not one each."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending.append((event, future))
        if self._wake is None or self._writer is None:
            raise RuntimeError("the listener's writer is not running")
        self._wake.set()
        return await future

    async def _write_forever(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            events = [event for event, _ in batch]
            try:
                outcomes = await self.db(functools.partial(_apply_all, events=events))
            except Exception as exc:  # noqa: BLE001 - the commit failed: none of them is stored
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def close(self) -> None:
        def close_desk(_: Any = None) -> None:
            if self._desk is not None:
                self._desk.store.close()
                self._desk = None

        with contextlib.suppress(RuntimeError):  # already shut down
            self.executor.submit(close_desk).result()
        self.executor.shutdown(wait=True)

    # -- HTTP -----------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=BODY_LIMIT, middlewares=[self._guard])
        app.router.add_post("/api/v1/cti/{token}", self._cti)
        app.router.add_get("/phone/{token}/{event}", self._desk_phone)
        app.on_startup.append(self._start_tasks)
        app.on_cleanup.append(self._stop_tasks)
        return app

    def _line(self, request: web.Request, status: int, what: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.log(f"{stamp} {request.remote or '-'} {status} {request.method} "
                 f"{one_line(request.path.split('/')[1] if request.path.count('/') > 1 else request.path, 20)} "
                 f"{one_line(what, 300)}")

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        self._line(request, status, reason)
        return web.json_response({"error": reason}, status=status)

    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        try:
            address = ipaddress.ip_address((request.remote or "").split("%")[0])
        except ValueError:
            return self._refuse(request, 403, "the client's address is unknown")
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not any(address in network for network in self.allow):
            return self._refuse(request, 403, f"{address} is outside the allowed networks")
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status == 413:
                return self._refuse(request, 413, f"the body is over {BODY_LIMIT // 1024} KB")
            if exc.status >= 400:
                return self._refuse(request, exc.status, exc.reason)
            raise

    def _token_ok(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info["token"].encode(), self.token.encode())

    async def _cti(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return self._refuse(request, 404, "unknown token")
        if (request.content_length or 0) > BODY_LIMIT:
            return self._refuse(request, 413, f"the body is over {BODY_LIMIT // 1024} KB")
        body = await request.read()  # aiohttp stops at client_max_size: 413
        try:
            event = cti_event(self._fields(request, body))
        except FormatError as exc:
            return self._refuse(request, 400, str(exc))
        return await self._apply(request, event)

    @staticmethod
    def _fields(request: web.Request, body: bytes) -> Any:
        text = body.decode("utf-8", "replace")
        if request.content_type == "application/json" or text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except ValueError:
                raise FormatError("the body is not valid JSON") from None
            if not isinstance(data, dict):
                raise FormatError("the JSON body is not an object")
            return data
        if request.content_type.startswith("multipart/"):
            raise FormatError("send the fields form-encoded or as JSON, not multipart")
        # Form-encoded, whatever the Content-Type says: bridges often send none.
        return MultiDict(parse_qsl(text, keep_blank_values=True))

    async def _desk_phone(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return self._refuse(request, 404, "unknown token")
        try:
            event = desk_phone_event(request.match_info["event"], request.query, request.remote or "")
        except FormatError as exc:
            return self._refuse(request, 400, str(exc))
        return await self._apply(request, event)

    async def _apply(self, request: web.Request, event: PhoneEvent) -> web.StreamResponse:
        try:
            result = await self.apply(event)
        except DeskError as exc:
            return self._refuse(request, 400, str(exc))
        except Exception as exc:  # noqa: BLE001 - storage and anything else: the sender may retry
            return self._refuse(request, 503, describe_failure(exc))
        what = " ".join(describe(event)) + f" -> {result.effect}"
        if result.callback is not None:
            what += f" (promise #{result.callback.id})"
        if result.closed:
            what += f" (kept promise {', '.join('#' + str(c.id) for c in result.closed)})"
        self._line(request, 200, what)
        return web.json_response({})

    # -- the lost hang-up rule ------------------------------------------------------------
    async def _start_tasks(self, app: web.Application) -> None:
        self._wake = asyncio.Event()
        self._writer = asyncio.create_task(self._write_forever())
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def _stop_tasks(self, app: web.Application) -> None:
        """After the last request has its answer (aiohttp runs cleanup after the handlers)."""
        for task in (self._sweeper, self._writer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                for result in await self.db(lambda desk: desk.phone.sweep()):
                    self.log(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} - sweep call #{result.record.id} "
                             f"rang 10 min unanswered -> {result.effect}")
            except Exception as exc:  # noqa: BLE001 - the next run tries again
                self.log(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} - sweep failed: {describe_failure(exc)}")


def _apply_all(desk: Desk, events: list[PhoneEvent]) -> list[EventResult | Exception]:
    """Each event in a savepoint of one write transaction: a refused one (DeskError) or a
    failed one rolls back alone; the commit at the end makes them all durable at once."""
    outcomes: list[EventResult | Exception] = []
    with desk.store.write():
        for event in events:
            try:
                outcomes.append(desk.phone.event(event))
            except Exception as exc:  # noqa: BLE001 - this event's answer: 400 or 503
                outcomes.append(exc)
    return outcomes


async def serve(listener: Listener, host: str, port: int, ready: Callable[[str, int], None]) -> None:
    """Listen until SIGTERM or SIGINT; `ready(host, port)` once the socket is bound."""
    runner = web.AppRunner(listener.app(), access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = port
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            bound = server.sockets[0].getsockname()[1]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        ready(host, bound)
        await stop.wait()
    finally:
        await runner.cleanup()
