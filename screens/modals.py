"""Small typed dialogs: confirm, ask for a line of text, choose from a list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .buttons {{ height: 3; align-horizontal: right; }}
{name} Button {{ margin: 0 0 0 1; min-width: 10; }}
"""


class Confirm(ModalScreen[bool]):
    """Yes/no. Enter presses the button that has focus (left/right or Tab move it), y answers
    yes, Escape or n answers no. Neither button is coloured as the default: the one Enter
    presses is the focused one, drawn reversed (which shows with NO_COLOR too)."""

    DEFAULT_CSS = MODAL_CSS.format(name="Confirm")
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
        Binding("left,right", "other_button", "Other answer", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", focus_no: bool = False,
                 typed_on: Callable[[str], None] | None = None, opened_by: str = "") -> None:
        """typed_on: for a question opened by a letter key (`opened_by`). Any other letter
        typed means the user was typing a word, not answering: the question closes unanswered
        and typed_on gets the word so far (the desk searches for it)."""
        super().__init__()
        self.question, self.yes, self.no, self.focus_no = question, yes, no, focus_no
        self.typed_on, self.opened_by = typed_on, opened_by
        # Once closed by typing: where the rest of the word goes. Keys of the same burst were
        # already sent to this question (the terminal delivered them while it was on top).
        self._word_goes_to: Callable[[str], None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), id="question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        # A destructive question starts on the safe answer, so Enter does not lose work. (A
        # question closed by typing-through before it was mounted has no buttons left.)
        for button in self.query("#no" if self.focus_no else "#yes"):
            button.focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_other_button(self) -> None:
        other = "#no" if self.focused is not None and self.focused.id == "yes" else "#yes"
        for button in self.query(other):
            button.focus()

    def on_key(self, event) -> None:
        if not (event.is_printable and event.character):
            return
        if self._word_goes_to is not None or (self.typed_on is not None and event.character.lower() not in "yn"):
            event.stop()  # (a y or n after the word began is a letter of it, not an answer)
            event.prevent_default()
            self.type_through(event.character)

    def type_through(self, text: str) -> None:
        """A letter that is no answer: the user was typing a word that began with the key that
        opened this question. It closes unanswered; the word so far goes on (to a search), and
        so does every later letter that still reaches it."""
        if self._word_goes_to is not None:
            self._word_goes_to(text)
            return
        if self.typed_on is None:
            return
        typed_on, word = self.typed_on, self.opened_by + text
        self.typed_on = None
        self._word_goes_to = typed_on
        self.dismiss(None)
        typed_on(word)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class Prompt(ModalScreen[str | None]):
    """One line of text (a reason, a name, a time). Escape cancels; the check may refuse."""

    DEFAULT_CSS = MODAL_CSS.format(name="Prompt") + """
    Prompt Input { margin: 1 0 0 0; }
    Prompt .error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Suggestions(Message):
        suggester: Suggester

    def __init__(self, question: str, value: str = "", placeholder: str = "", check=None,
                 suggest: Callable[[], Suggester] | None = None,
                 preview: Callable[[str], str] | None = None) -> None:
        """suggest: read in a worker thread once the dialog is open; completes what is typed.
        preview: what the text typed so far means, shown under it as it is typed (a time)."""
        super().__init__()
        self.question, self.value, self.placeholder, self.check = question, value, placeholder, check
        self.suggest, self.preview = suggest, preview

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            if self.preview is not None:
                yield Label("", id="prompt-preview", markup=False)
            yield Label("", classes="error", id="prompt-error", markup=False)
            yield Static(Text("Enter to confirm, Escape to cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.suggest is not None:
            self.run_worker(self._read_suggestions, thread=True, group="suggest", exit_on_error=False)

    def _read_suggestions(self) -> None:
        if self.suggest is not None:
            self.post_message(self.Suggestions(self.suggest()))

    @on(Suggestions)
    def _suggestions(self, message: Suggestions) -> None:
        self.query_one(Input).suggester = message.suggester

    @on(Input.Changed, "#answer")
    def _changed(self, event: Input.Changed) -> None:
        if self.preview is not None:
            self.query_one("#prompt-preview", Label).update(
                Text(self.preview(event.value.strip()) if event.value.strip() else ""))
            self.query_one("#prompt-error", Label).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if self.check:
            problem = self.check(value)
            if problem:
                self.query_one("#prompt-error", Label).update(Text(problem))
                return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Choose(ModalScreen[str | None]):
    """Pick one of a few labelled choices; returns its id."""

    DEFAULT_CSS = MODAL_CSS.format(name="Choose") + "Choose OptionList { height: auto; max-height: 14; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str | Text, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question if isinstance(self.question, Text) else Text(self.question))
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ShowText(ModalScreen[None]):
    """Read a longer text (a call's note, a change log). Any of Escape, Enter or q closes."""

    DEFAULT_CSS = MODAL_CSS.format(name="ShowText") + "ShowText VerticalScroll { height: auto; max-height: 18; }"
    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, text: Text, title: str = "") -> None:
        super().__init__()
        self.text, self.title_text = text, title

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(self.text)
            yield Static(Text("Escape to close", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
