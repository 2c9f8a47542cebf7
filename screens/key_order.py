"""Keys are handled one at a time, in the order they were typed.

Textual routes a key the moment it is read: a priority binding (Tab, `n`, `/`) acts at once,
and any other key is posted to the widget focused at that moment, to be handled when that
widget gets to it. Typed slowly, that is the same thing. Read in one burst (tmux send-keys, a
slow SSH link, a paste of keystrokes), it is not: in `c Tab note` the Tab moved the focus away
from the queue before the queue had handled `c`, and the `n` of "note" opened a new call.

`OrderedKeys` (mixed into the app) holds the keys read from the terminal in a backlog and lets
the next one go only when the one before has been handled all the way: by the widget it was
sent to and every parent it bubbled through up to the app's own bindings, and, when it opened
a screen, once that screen is mounted and has put the focus where it wants it (a focus() is carried out by the app itself,
later: a marker through the app's own queue waits for it). How it knows: a
marker message sent to the same widget right behind the key travels the same way up (each
widget handles its messages in order, so the marker reaches the app after the key did). It goes
round twice: what the key made a widget post to itself (an Input's Changed) is queued behind
the first marker and handled before the second.

A screen can also hold the keys behind one whose meaning depends on an answer still coming:
`hold_keys(name)` until `release_keys(name)` (the caller lookup, so that `Down` typed right
after the digits enters the suggestions those digits find, as it does typed slowly).

A key whose widget goes away before the marker gets through (the key closed its screen) lets
the next one go as soon as that is seen; none waits longer than `KEY_WAIT_SECONDS`, so a
handler that waits on something (a dialog, a worker) never stalls the keys behind it for long.
Mouse events are not held: a click is aimed at what is on screen.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events
from textual.message import Message

# The most a key waits for the one before it to be handled (or the screen it opened to be
# mounted): long enough for a machine under load, short enough that a handler stuck on
# something never stalls the keys behind it for long.
KEY_WAIT_SECONDS = 2.0
HOLD_SECONDS = 0.5  # the most keys wait for an answer held for (a lookup: milliseconds)
_STEP = 0.002  # how often the wait looks at a screen that is still being mounted


class KeyHandled(Message, bubble=True):
    """Sent behind a key to the widget that got it; reaches the app once the key has been
    handled on the way (no widget handles it)."""

    def __init__(self, done: asyncio.Future) -> None:
        super().__init__()
        self.done = done


class OrderedKeys:
    """Mixed into the App (before App in its bases)."""

    def _key_backlog(self) -> deque:
        backlog = self.__dict__.get("_ordered_keys")
        if backlog is None:
            backlog = self.__dict__["_ordered_keys"] = deque()
        return backlog

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            backlog = self._key_backlog()
            backlog.append(event)
            task = self.__dict__.get("_ordered_keys_task")
            if task is None or task.done():
                self.__dict__["_ordered_keys_task"] = asyncio.create_task(self._handle_keys(backlog))
            return
        await super().on_event(event)  # type: ignore[misc]

    @property
    def keys_waiting(self) -> int:
        """Keys read but not yet handled (the pilot tests wait for none)."""
        backlog = self.__dict__.get("_ordered_keys") or ()
        task = self.__dict__.get("_ordered_keys_task")
        return len(backlog) + (1 if task is not None and not task.done() else 0)

    async def _handle_keys(self, backlog: deque) -> None:
        app = self
        while backlog:
            event = backlog.popleft()
            if self._app_closing():
                backlog.clear()
                return
            try:
                await self._handle_one(event)
            except Exception as error:  # as Textual would: the app reports it and ends
                app._handle_exception(error)  # type: ignore[attr-defined]
                return

    def hold_keys(self, name: str) -> None:
        """The next key waits (at most HOLD_SECONDS) until `release_keys(name)`."""
        loop = asyncio.get_running_loop()
        self.__dict__.setdefault("_key_holds", {})[name] = loop.time() + HOLD_SECONDS

    def release_all_keys(self) -> None:
        """An answer keys were held for will not come (its worker failed)."""
        holds = self.__dict__.get("_key_holds")
        if holds:
            holds.clear()

    def release_keys(self, name: str, via=None) -> None:
        """The answer is in. With `via` (the widget that got it), the keys go on once what that
        widget has posted meanwhile (a Chosen for its form) has been handled on its way up."""
        holds = self.__dict__.get("_key_holds")
        if not holds or name not in holds:
            return
        if via is not None:
            done = asyncio.get_running_loop().create_future()
            done.add_done_callback(lambda _: holds.pop(name, None))
            if via.post_message(KeyHandled(done)):
                return
        holds.pop(name, None)

    async def _until_released(self) -> None:
        holds = self.__dict__.get("_key_holds")
        if not holds:
            return
        loop = asyncio.get_running_loop()
        while holds:
            now = loop.time()
            for name, until in list(holds.items()):
                if until <= now:
                    holds.pop(name, None)
            if holds:
                await asyncio.sleep(_STEP)

    def _app_closing(self) -> bool:
        return bool(getattr(self, "_exit", False)) or not self.is_running  # type: ignore[attr-defined]

    async def _handle_one(self, event: events.Event) -> None:
        app = self
        await self._until_released()
        if self._app_closing():  # keys still on their way when the app closes are not acted on
            return
        screen = app.screen  # type: ignore[attr-defined]
        target = app.focused or screen  # type: ignore[attr-defined]
        await super().on_event(event)  # type: ignore[misc]  # priority bindings, or sent to `target`
        if event.is_forwarded:
            await self._until_handled(target, laps=2)
        if app.screen is not screen:  # type: ignore[attr-defined]
            await self._until_ready(app.screen)  # type: ignore[attr-defined]
        # What the key left for the app to do next (Widget.focus() is carried out by the app,
        # later): done before the next key is routed by the focus.
        await self._until_handled(app)

    async def _until_handled(self, target, laps: int = 1) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_WAIT_SECONDS
        for _ in range(laps):
            done: asyncio.Future = loop.create_future()
            if not target.is_attached or not target.post_message(KeyHandled(done)):
                return  # the widget is closing: nothing more will come of the key there
            while not done.done():
                left = deadline - loop.time()
                if left <= 0 or not target.is_attached:
                    return
                try:
                    await asyncio.wait_for(asyncio.shield(done), timeout=min(left, 0.05))
                except TimeoutError:
                    continue

    async def _until_ready(self, screen) -> None:
        """A screen the key opened: mounted, and its own first messages (where it sets the
        focus) handled, before the next key is sent to whatever it focused."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_WAIT_SECONDS
        while not screen.is_mounted and screen.is_attached and loop.time() < deadline:
            await asyncio.sleep(_STEP)
        if screen.is_attached and screen.is_mounted:
            await self._until_handled(screen)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if not message.done.done():
            message.done.set_result(None)
