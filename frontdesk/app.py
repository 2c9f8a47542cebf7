"""The composition root: opens the database, builds the service, installs the screens.
The one core module that imports textual."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import functools
import gc
import os
import signal
from datetime import timedelta
from pathlib import Path

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from screens.app_questions import FailureReports
from screens.base import DeskScreenBase
from screens.key_order import OrderedKeys
from screens.message_alerts import MessageAlerts
from screens.messages import DeskChanged, MessagesLoaded, QueueLoaded, RingingLoaded
from screens.too_small import TooSmall, fit_terminal

from .clock import Clock, SystemClock, to_iso
from .errors import DeskError
from .formatting import clock_time
from .models import Callback
from .phone.models import RingingCall
from .reminders import ReminderTracker, queue_counts, reminders_words
from .services import Desk
from .text import clean
from .watch import CommitWatcher, WatchUnavailable, watching_wanted

POLL_SECONDS = 1.0  # PRAGMA data_version where the files cannot be watched: others' commits show within 2 s
TICK_SECONDS = 5.0  # time left, counters and reminders are derived from the clock this often
QUEUE_LIMIT = 500  # open callbacks held for the queue and reminders
TOO_SMALL_GRACE_SECONDS = 0.2  # keys typed as the window shrank are read before the 'needs 80x24' sentence
TAKE_CALL_KEY = "ctrl+t"  # from anywhere, text fields included: no Input or TextArea key, and terminals send it
ANSWERED_SECONDS = 4.0  # 'Answered by Raj: Maria Lopez' stays this long on the ringing strip

__all__ = ["DeskChanged", "FrontDeskApp", "run_app"]


class CommitsSeen(Message):
    """The watcher thread saw another connection commit (or the file replaced): poll now."""


class WatchFailed(Message):
    """Watching the database's files stopped working: the one-second poll takes over."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


def _tolerant_utf8(encoding: str):
    """Textual's Linux driver decodes the terminal's bytes as strict UTF-8, and one byte that is
    not UTF-8 (a Latin-1 terminal, an 8-bit Meta key, a pasted \\xe9 or \\x9b) stopped its input
    thread and closed the app. Such bytes become U+FFFD instead: visible, and the app goes on."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


try:
    from textual.drivers import linux_driver
except ImportError:  # not a POSIX terminal: another driver, which decodes for itself
    pass
else:
    linux_driver.getincrementaldecoder = _tolerant_utf8  # the driver looks the decoder up by this name


class FrontDeskApp(OrderedKeys, App):
    CSS_PATH = "frontdesk.tcss"
    TITLE = "FrontDesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Priority, so the keys typed in the same burst go to the new screen (see check_action).
        Binding("n", "new_call", "New call", id="new_call", priority=True),
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("r", "reports", "Reports", id="reports", show=False),
        Binding("s", "settings", "Settings", id="settings", show=False),
        # Priority: it works in text fields too. Shown (and working) only while a call rings.
        Binding(TAKE_CALL_KEY, "take_call", "Take call", id="take_call", priority=True,
                tooltip="Open the new-call form for the newest ringing call"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+q", "quit_now", "Quit at once", id="quit_now", show=False, priority=True),
        # Priority: focus moves before the next key is routed, so keys that arrive in one burst
        # over a slow SSH link ("Tab" then the name) land in the right field.
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(self, desk: Desk, *, poll_seconds: float = POLL_SECONDS,
                 tick_seconds: float = TICK_SECONDS, offer_draft: bool = True, freeze_gc: bool = True,
                 watch: bool | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.poll_seconds = poll_seconds
        # Watch the database's files for other processes' commits (FRONTDESK_WATCH=0: poll only).
        self.watch_wanted = watching_wanted() if watch is None else watch
        self.watcher: CommitWatcher | None = None
        self.live_updates = ""  # how this desk hears others' commits, for the help screen
        self.tick_seconds = tick_seconds
        self.offer_draft = offer_draft
        self.freeze_gc = freeze_gc  # off in tests, where many apps run in one process
        self.tracker = self._new_tracker()
        self.queue: list[Callback] = []  # the soonest open callbacks, up to QUEUE_LIMIT
        self.queue_total = 0  # how many are open in all
        self.queue_mine_total = 0  # how many of them are this operator's
        self._queue_loaded = False  # queue holds every open callback up to QUEUE_LIMIT
        self.counts = (0, 0)
        self._data_version = desk.store.data_version()
        self.bells = 0
        self.failures = FailureReports(self)  # toasts, once a minute each; the reopen question
        self.message_alerts = MessageAlerts(self)  # unread messages: the counter, arrivals, urgent nags
        self._offering_draft = False
        self._from_palette = False  # an action chosen in the command palette is meant
        self.ringing: list[RingingCall] = []  # calls ringing now, in the order they rang
        self._answered: dict[int, tuple[RingingCall, str, float]] = {}  # shown until (loop time)
        self.missed_unseen = 0  # missed calls nobody marked seen (the status bar says so)

    def _new_tracker(self) -> ReminderTracker:
        s = self.desk.settings
        return ReminderTracker(timedelta(minutes=s.lead_minutes), timedelta(minutes=s.nag_minutes),
                               self.desk.operator)

    # -- start ------------------------------------------------------------------------------
    def get_default_screen(self):
        """The desk is the app's base screen (not pushed over an empty one: one screen less to
        lay out before the first frame). The queue's first page is read first, on this thread,
        so that frame already shows it; the whole queue and the reminders follow once it is
        drawn (docs/performance.md)."""
        from screens.desk import DeskScreen
        from widgets.callback_queue import PAGE

        # The page the queue shows; the rest follows at once, with the reminders.
        self.queue, self.counts, self.queue_total, self.queue_mine_total = self.desk.callbacks.queue_snapshot(PAGE)
        return DeskScreen()

    def on_mount(self) -> None:
        fit_terminal(self, self.size)
        self.call_after_refresh(self._warm_up)
        # Everything made to reach the first frame (modules, styles, the desk) lives as long as
        # the app: frozen out of the collector, a full collection later has far less to walk.
        if self.freeze_gc:
            self.call_after_refresh(gc.freeze)
        self.call_after_refresh(self._start_watching)  # after the first frame: watchfiles loads in ~30 ms
        self.set_interval(self.tick_seconds, self.clock_tick, name="tick")
        self.call_after_refresh(self.tick)  # the whole queue, then reminders
        self.call_after_refresh(self.load_ringing, ())
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if self.offer_draft:
            self.call_after_refresh(self._offer_draft)
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGHUP, self.hang_up)
            loop.add_signal_handler(signal.SIGTERM, self.terminate)

    # -- the terminal's size ----------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        fit_terminal(self, event.size, grace=TOO_SMALL_GRACE_SECONDS)

    def hang_up(self) -> None:
        """The terminal went away (SIGHUP: the SSH link dropped): what the form holds is written
        as a draft now, not after the half-second pause drafts otherwise wait for, so the last
        keys typed are kept. Then the process ends at once: there is no terminal left to restore,
        and Textual's shutdown could wait forever on a writer thread that died writing to it."""
        self._save_drafts()
        with contextlib.suppress(Exception):
            self.desk.store.close()
        os._exit(129)

    def terminate(self) -> None:
        """SIGTERM: the drafts are written, then an orderly exit (the terminal is still there)."""
        self._save_drafts()
        self.exit(return_code=143)

    @work(thread=True, group="warm-up")
    def _warm_up(self) -> None:
        """Once the desk is on screen, load what the first call will need (phone number
        metadata) while the receptionist reads, not on their first keystroke."""
        import phonenumbers  # noqa: F401

    def _offer_draft(self) -> None:
        """A call typed when the last session ended (a crash, a dropped link): offered back.
        Reminders wait while the question is open, so their toasts do not cover it."""
        from screens.draft_offer import offer_draft

        try:
            draft = self.desk.draft()
        except Exception as exc:  # noqa: BLE001 - a damaged draft row must not stop the desk
            self.report_failure(exc)
            return

        def answered() -> None:
            self._offering_draft = False
            self.tick()  # the reminders held back while the question was open

        self._offering_draft = offer_draft(self, draft, answered)

    @work(thread=True, group="draft", exit_on_error=False)
    def discard_draft(self) -> None:
        self.desk.discard_draft()

    # -- failures ---------------------------------------------------------------------------
    @on(Worker.StateChanged)
    def _app_worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.error)

    def report_failure(self, error: BaseException, *, shown: bool = False) -> None:
        """Any failure of a worker or a use case: a toast, or the question to reopen a replaced
        database file (screens/app_questions.py). Nothing here closes the app."""
        self.failures.report(error, shown=shown)

    def offer_reopen(self, asked_by_poll: bool = False) -> None:
        self.failures.offer_reopen(asked_by_poll)

    def reopen_database(self) -> None:
        try:
            self._adopt_settings(self.desk.reopen())
            self._data_version = self.desk.store.data_version()
        except Exception as exc:  # noqa: BLE001 - shown to the user, who may try again
            self.notify(f"Could not reopen: {self.desk.describe(exc)}", severity="error", timeout=10)
            return
        self.notify(f"Reopened {self.desk.store.path}", timeout=5)
        self.desk_changed()

    # -- live updates -----------------------------------------------------------------------
    def _start_watching(self) -> None:
        """Other processes' commits wake the desk through the watcher thread (frontdesk/watch.py);
        where the files cannot be watched, the one-second poll does it, as before."""
        if self.watch_wanted:
            watcher = CommitWatcher(self.desk.store, lambda: self.post_message(CommitsSeen()),
                                    lambda error: self.post_message(WatchFailed(error)))
            try:
                watcher.start()
            except WatchUnavailable as exc:
                self._start_polling(str(exc))
            else:
                self.watcher = watcher
                self.live_updates = "watching the database file"
                return
        else:
            self._start_polling("FRONTDESK_WATCH is off")

    def _start_polling(self, why: str) -> None:
        self.live_updates = f"polling every {self.poll_seconds:g} s ({why})"
        self.set_interval(self.poll_seconds, self.poll_database, name="poll")

    @on(CommitsSeen)
    def _commits_seen(self) -> None:
        self.poll_database()

    @on(WatchFailed)
    def _watch_failed(self, message: WatchFailed) -> None:
        if self.watcher is not None:
            self.watcher.stop(wait=0)
            self.watcher = None
            self._start_polling(f"watching failed: {message.error}")
            self.poll_database()  # whatever was missed meanwhile

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def poll_database(self) -> bool:
        """Cheap: one PRAGMA on the reader (which never waits for a writer) and one stat of the
        file. Reload only when some connection committed (True then)."""
        if self.desk.store.file_moved():
            self.offer_reopen(asked_by_poll=True)
            return True
        try:
            version = self.desk.store.data_version()
        except Exception as exc:  # noqa: BLE001 - the next poll tries again
            self.report_failure(exc)
            return False
        if version != self._data_version:
            self.desk_changed()
            return True
        return False

    def desk_changed(self) -> None:
        """Reload settings (another desk may have saved them), the queue, and the visible screen.
        The reload covers every commit so far, this desk's own included: the poll does not
        reload again for the save that called this."""
        if not self.screen_stack:  # closing: a late result has nothing left to show on
            return
        with contextlib.suppress(Exception):  # a failing read is reported by the reload itself
            self._data_version = self.desk.store.data_version()
        self.load_ringing(tuple(self.ringing))  # first: a caller waits on it
        self._adopt_settings(self.desk.reload_settings())
        self.tick()
        self.screen.post_message(DeskChanged())

    def _adopt_settings(self, settings) -> None:
        """New lead time / nag interval without forgetting which reminders already fired."""
        self.tracker.lead = timedelta(minutes=settings.lead_minutes)
        self.tracker.nag = timedelta(minutes=settings.nag_minutes)
        self.message_alerts.adopt(settings)

    def clock_tick(self) -> None:
        """Time moved on, the database did not (the poll reloads on any commit): derive time
        left, counters and reminders from the queue already held, without a query. While the
        watcher hears commits, the tick also polls once, a net under a missed wake-up."""
        if self.watcher is not None and self.poll_database():
            return  # reloading: the tick follows with the new queue
        if self.ringing:  # a ringing call whose hang-up was lost leaves after 10 minutes
            self.load_ringing(tuple(self.ringing))
        if self._queue_loaded and len(self.queue) < QUEUE_LIMIT:
            overdue, soon, mine = queue_counts(self.queue, self.desk.clock.now(),
                                               timedelta(minutes=self.desk.settings.lead_minutes),
                                               self.desk.operator)
            self._apply_tick(self.queue, (overdue, soon), len(self.queue), mine)
            self.message_alerts.check(self._offering_draft)  # urgent ones unread too long
        else:
            self.tick()

    @property
    def queue_complete(self) -> bool:
        """The queue holds every open callback up to QUEUE_LIMIT (not only the first page read
        before the first frame)."""
        return self._queue_loaded

    @work(thread=True, exclusive=True, group="tick", exit_on_error=False)
    def tick(self) -> None:
        self.post_message(QueueLoaded(*self.desk.callbacks.queue_snapshot(QUEUE_LIMIT)))
        self.post_message(MessagesLoaded(self.message_alerts.read()))

    @on(MessagesLoaded)
    def _apply_messages(self, message: MessagesLoaded) -> None:
        if not self.screen_stack:  # closing
            return
        self.message_alerts.apply(message.snapshot, self._offering_draft)
        self.refresh_status()

    @on(QueueLoaded)
    def _apply_queue(self, message: QueueLoaded) -> None:
        if not self.screen_stack:  # closing: a late result has nothing left to show on
            return
        self._apply_tick(message.queue, message.counts, message.total, message.mine_total)

    def _apply_tick(self, queue: list[Callback], counts: tuple[int, int], total: int, mine_total: int) -> None:
        self.queue, self.counts, self._queue_loaded = queue, counts, True
        self.queue_total, self.queue_mine_total = total, mine_total
        now = self.desk.clock.now()
        desk_open = self.desk.settings.hours.is_open(now)
        # While the draft-restore question is open, reminders wait (they would cover it); they
        # fire on the tick after it is answered, since each fires once per state.
        due_reminders = [] if self._offering_draft else self.tracker.check(queue, now, desk_open)
        if len(due_reminders) == 1:
            reminder = due_reminders[0]
            self.notify(reminder.words(self.desk.zone, self.desk.national(reminder.callback.e164)),
                        title="Callback reminder", severity=reminder.severity, timeout=12)
            self.ring()
        elif due_reminders:  # several at once (the start, a nag round): one toast, not a stack over the form
            self.notify(reminders_words(due_reminders, self.desk.zone, self.desk.national),
                        title=f"{len(due_reminders)} callback reminders",
                        severity="error" if any(r.severity == "error" for r in due_reminders) else "warning",
                        timeout=12)
            self.ring()
        self.refresh_status()
        if isinstance(self.screen, DeskScreenBase):
            self.screen.on_tick()

    def notify(self, message, *, title: str = "", severity="information", timeout=None,
               markup: bool = False) -> None:
        """Toasts carry customer names and notes: plain text by default, cleaned of escapes."""
        text = message.plain if hasattr(message, "plain") else str(message)
        super().notify(clean(text), title=clean(title), severity=severity, timeout=timeout, markup=markup)

    def ring(self) -> None:
        self.bells += 1
        self.bell()

    def refresh_status(self) -> None:
        from widgets.status_bar import StatusBar

        settings = self.desk.settings
        for bar in self.screen.query(StatusBar):
            bar.show(desk=settings.desk_name, operator=self.desk.operator,
                     clock=clock_time(self.desk.clock.now(), self.desk.zone),
                     overdue=self.counts[0], soon=self.counts[1], missed=self.missed_unseen,
                     messages=self.message_alerts.unread, urgent=self.message_alerts.urgent,
                     title=self.screen.TITLE_TEXT if isinstance(self.screen, DeskScreenBase) else "")

    # -- the phone ringing ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="ringing", exit_on_error=False)
    def load_ringing(self, before: tuple[RingingCall, ...]) -> None:
        """The calls ringing now; of those that rang before and no longer do, the ones someone
        answered (the strip says who, a moment)."""
        now_ringing = self.desk.phone.ringing()
        still = {call.phone_call_id for call in now_ringing}
        answered = []
        for call in before:
            if call.phone_call_id in still:
                continue
            try:
                record = self.desk.phone.phone_call(call.phone_call_id)
            except DeskError:
                continue
            if record.answered_at is not None:
                answered.append((call, record.answered_by))
        self.post_message(RingingLoaded(now_ringing, answered, self.desk.phone.unseen_missed_count()))

    @on(RingingLoaded)
    def _ringing_loaded(self, message: RingingLoaded) -> None:
        if not self.screen_stack:
            return
        was_ringing = bool(self.ringing)
        self.ringing = list(message.calls)
        if message.unseen_missed != self.missed_unseen:
            self.missed_unseen = message.unseen_missed
            self.refresh_status()
        until = asyncio.get_running_loop().time() + ANSWERED_SECONDS
        for call, by in message.answered:
            self._answered[call.phone_call_id] = (call, by, until)
        if message.answered:
            self.set_timer(ANSWERED_SECONDS + 0.05, self.show_ringing)
        self.show_ringing()
        if was_ringing != bool(self.ringing):
            self.refresh_bindings()  # the key bar shows the take-call key only while ringing

    def _screen_changed(self, screen) -> None:
        self.show_ringing()

    def show_ringing(self) -> None:
        """The strip on the screen in front: mounted there the first time something rings
        while it is in front, then given the calls (or hidden)."""
        from widgets.ringing_strip import Answered, RingingStrip

        if not self.screen_stack:
            return
        now = asyncio.get_running_loop().time()
        self._answered = {k: v for k, v in self._answered.items() if v[2] > now}
        answered = [Answered(call, by) for call, by, _until in self._answered.values()]
        screen = self.screen
        strips = screen.query_children(RingingStrip)
        if not (self.ringing or answered):
            for strip in strips:
                strip.show(())
            return
        if isinstance(screen, TooSmall):
            return
        if strips:
            strip = strips.first()
        else:
            strip = RingingStrip()
            screen.mount(strip)
        newest = self.newest_ringing()
        strip.show(self.ringing, answered, key=self.get_key_display(self._take_binding()),
                   newest=newest.phone_call_id if newest else None)

    def _take_binding(self) -> Binding:
        return next(b for b in self.BINDINGS if isinstance(b, Binding) and b.action == "take_call")

    def newest_ringing(self) -> RingingCall | None:
        """The call the take-call key takes: the one that rang last (an older one may be a
        call whose hang-up the phone system lost)."""
        return max(self.ringing, key=lambda c: (c.rang_at, c.phone_call_id), default=None)

    def action_take_call(self, phone_call_id: int | None = None) -> None:
        """The new-call form for a ringing call (the newest, or the one named), filled with its
        number and customer and linked to the phone call, whatever screen is in front."""
        call = (next((c for c in self.ringing if c.phone_call_id == phone_call_id), None)
                if phone_call_id is not None else self.newest_ringing())
        if call is None:
            self.bell()
            return
        from screens.new_call import NewCallScreen

        draft = ringing_draft(call, self.desk.clock.now())
        # One call form at a time (it keeps the one draft): an untouched form in front becomes
        # this call's; a form holding another call, here or under a dialog, is left as it is.
        form = next((s for s in self.screen_stack if isinstance(s, NewCallScreen)), None)
        if form is not None:
            if form.phone_call_id == call.phone_call_id and form is self.screen:
                return  # already this call's form
            if form is not self.screen or not form.take_ringing(draft):
                self.bell()
                self.notify("A call is being typed: save it (ctrl+s) or cancel it (Esc), then "
                            f"{self.get_key_display(self._take_binding())} takes the ringing call.", timeout=6)
            return
        self.push_screen(NewCallScreen(draft))

    def on_ringing_strip_take(self, message) -> None:
        self.action_take_call(message.phone_call_id)

    # -- actions ----------------------------------------------------------------------------
    # Single-letter app keys that would leave the screen: not while a text field has focus,
    # not in a dialog, and not in a form (a stray `q` in the call form must not quit).
    LEAVING_ACTIONS = frozenset({"new_call", "search", "reports", "settings", "quit"})

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if isinstance(self.screen, TooSmall):  # nothing on view to act on; ctrl+q still quits
            return action == "quit_now"
        if action == "take_call":
            return bool(self.ringing)  # hidden from the key bar while nothing rings
        if action in self.LEAVING_ACTIONS and not self._from_palette:
            from textual.command import CommandPalette
            from textual.screen import ModalScreen

            screen = self.screen
            dialog = isinstance(screen, ModalScreen) and not isinstance(screen, CommandPalette)
            form = isinstance(screen, DeskScreenBase) and screen.FORM
            if self._typing() or dialog or form:
                return False
        return True

    def _typing(self) -> bool:
        """The focused widget takes printable keys as text (an Input, a TextArea, a Select's
        type-to-search): Textual's own question, so no widget module is imported to ask it."""
        focused = self.focused
        return focused is not None and focused.check_consume_key("a", "a")

    def open_new_call(self, draft: dict | None = None):
        from screens.new_call import NewCallScreen

        if isinstance(self.screen, NewCallScreen):
            return None
        return self.push_screen(NewCallScreen(draft or {}))

    async def action_new_call(self) -> None:
        """Awaited until the form is mounted and focused, so digits typed right after `n`
        (one burst over SSH) reach the phone field instead of being lost."""
        from screens.new_call import NewCallScreen

        mounted = self.open_new_call()
        if mounted is not None:
            await mounted
            if isinstance(self.screen, NewCallScreen):  # the form just pushed, now mounted
                self.screen.focus_first_field()

    async def action_quit(self) -> None:
        """q asks first while a form holds what was typed (the help screen may be over it);
        ctrl+q quits at once. Either way a half-typed call is kept as a draft."""
        from screens.app_questions import ask_quit

        unsaved = [s for s in self.screen_stack if isinstance(s, DeskScreenBase) and s.holds_unsaved()]
        if unsaved:
            ask_quit(self, unsaved[0].TITLE_TEXT, self.action_quit_now)
        else:
            self.exit()

    def action_quit_now(self) -> None:
        self._save_drafts()
        self.exit()

    def _save_drafts(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreenBase):
                try:
                    screen.save_draft_now()
                except Exception:  # noqa: BLE001 - the last draft saved stands
                    pass

    async def action_focus_next(self) -> None:  # type: ignore[override]  # awaited by run_action
        """Tab moves on once the screen has placed what the keys before it showed: 'Down Down
        Tab' in one burst makes the outcome 'message taken', whose fields Tab then enters (the
        focus order follows where fields are on screen; one not placed yet would sort first)."""
        await self._placed()
        self.screen.focus_next()

    async def action_focus_previous(self) -> None:  # type: ignore[override]
        await self._placed()
        self.screen.focus_previous()

    async def _placed(self) -> None:
        """Wait (briefly at most) for the screen's next refresh, which lays out fields just shown.
        The keys before this one have been handled already (screens/key_order.py)."""
        placed = asyncio.Event()
        if self.screen.call_after_refresh(placed.set):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(placed.wait(), 0.5)

    def action_search(self) -> None:
        self.open_search()

    def open_search(self, typed: str = "") -> None:
        """The search screen, starting with what was typed (a name typed on the desk)."""
        from screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.type(typed)
        else:
            self.push_screen(SearchScreen(typed))

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_reports(self) -> None:
        from screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self.push_screen(ReportsScreen())

    def action_settings(self) -> None:
        from screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_import_contacts(self) -> None:
        from screens.import_contacts import ImportContactsScreen

        if not isinstance(self.screen, ImportContactsScreen):
            self.push_screen(ImportContactsScreen())

    def open_customer(self, customer_id: int) -> None:
        from screens.customer import CustomerScreen

        self.push_screen(CustomerScreen(customer_id))

    def get_system_commands(self, screen):
        """Every action with a key is also in the palette: the app's and the current screen's."""
        from screens.palette import (
            framework_commands,
            keyed_commands,
            named_commands,
            ringing_commands,
        )

        yield from framework_commands(super().get_system_commands(screen))
        yield from keyed_commands(self, screen)
        yield from named_commands(self)
        yield from ringing_commands(self)

    async def run_from_palette(self, action: str, node) -> None:
        """A command chosen by name is meant: the letter-key guards below do not apply."""
        self._from_palette = True
        try:
            await self.run_action(action, node)
        finally:
            self._from_palette = False


def ringing_draft(call: RingingCall, now) -> dict:
    """The new-call form's fields for a ringing call: its number, its customer, the phone call
    it is linked to, and its time (when it rang)."""
    return {"phone": call.number if not call.withheld else "anonymous", "e164": call.e164,
            "customer_id": call.customer_id,
            "name": call.name or (call.caller_name if call.customer_id is None else "") or "",
            "direction": "in", "phone_call_id": call.phone_call_id,
            "started": to_iso(min(call.rang_at, now))}


def run_app(db_path: Path, operator: str, clock: Clock | None = None) -> None:
    from .db import open_database
    from .store import Store

    store = Store(open_database(db_path))
    desk = Desk(store, clock or SystemClock(), operator)
    try:
        FrontDeskApp(desk).run()
    finally:
        store.close()
