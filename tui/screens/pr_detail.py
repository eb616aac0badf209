"""One pull request: its summary, the AI evidence found, its description and its link."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tformance.core.workspace import PullRequestDetail, Workspace, display_name

from ..browser import open_in_browser
from ..formatting import count, plural
from ..safe_text import clean

BODY_LIMIT = 4000
WHERE_WORDS = {"title": "title", "body": "description", "branch": "branch", "author": "author", "label": "label"}


def describe_pull_request(pr: PullRequestDetail) -> Content:
    """Everything shown about one PR, cleaned: GitHub's text is never markup here."""
    state = pr.state.lower() + (" (draft)" if pr.is_draft else "")
    dates = f"opened {pr.created_at:%Y-%m-%d}" + (f" · merged {pr.merged_at:%Y-%m-%d}" if pr.merged_at else "")
    parts: list[str | tuple[str, str]] = [
        (clean(pr.title, limit=300), "bold"),
        "\n",
        (f"{clean(pr.repo)} #{pr.number} · by {clean(pr.author or 'ghost')} · {state}", "$text-muted"),
        (f"\n{dates} · +{count(pr.additions)} −{count(pr.deletions)} lines", "$text-muted"),
        (f" · {plural(pr.review_count, 'review')}", "$text-muted"),
    ]

    parts += [("\n\nSummary\n", "bold $text-primary")]
    if pr.llm_summary:
        parts.append(clean(pr.llm_summary, single_line=False, limit=1500))
    else:
        parts.append(("Not summarised yet: LLM enrichment is pending for this PR.", "$text-muted"))

    parts += [("\n\nAI assistance\n", "bold $text-primary")]
    source = "the LLM's verdict" if pr.decided_by_llm else "signatures found in the PR"
    if pr.is_ai:
        names = ", ".join(clean(display_name(tool)) for tool in pr.tools) or "tool unknown"
        parts.append(f"AI-assisted ({names}), by {source}.")
    else:
        parts.append(f"No sign of AI assistance ({source}).")
    for evidence in pr.evidence:
        parts.append(("\n  • ", "$text-accent"))
        parts.append(f"{clean(display_name(str(evidence.get('tool'))))} in {_where(evidence.get('where'))}: ")
        parts.append((f"“{clean(evidence.get('excerpt'), limit=100)}”", "italic"))

    parts += [("\n\nDescription\n", "bold $text-primary")]
    parts.append(clean(pr.body, single_line=False, limit=BODY_LIMIT).strip() or ("(empty)", "$text-muted"))
    parts += [("\n\nLink  ", "bold $text-primary"), (clean(pr.url), "underline")]
    return Content.assemble(*parts)


def _where(where: object) -> str:
    """Where a marker was found, as words: ``the description``, ``commit 2's message``."""
    text = clean(where)
    if text in WHERE_WORDS:
        return f"the {WHERE_WORDS[text]}"
    commit, _, part = text.partition(" ")
    number, _, field = part.partition(" ")
    if commit == "commit" and number.isdigit() and field:
        return f"commit {number}'s {field}"
    return f"the {text}"


class PullRequestScreen(ModalScreen[None]):
    """A modal over the dashboard; Escape closes it, ``o`` opens the PR in a browser."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("o", "open_link", "Open in browser", tooltip="Open the PR on GitHub"),
    ]

    def __init__(self, workspace: Workspace, repo: str, number: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.repo = repo
        self.number = number
        self.detail: PullRequestDetail | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="pr-detail", classes="panel"):
            yield Static(Content.styled("Loading…", "$text-muted"), id="pr-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="pr", exit_on_error=False, description="Reading the PR")
    async def load(self) -> None:
        self.detail = await self.workspace.pull_request(self.repo, self.number)
        text = self.query_one("#pr-detail-text", Static)
        if self.detail is None:
            text.update(Content(f"{clean(self.repo)} #{self.number} is no longer in the database."))
        else:
            text.update(describe_pull_request(self.detail))

    def action_open_link(self) -> None:
        """Open the PR on GitHub; where no browser can be opened (over SSH, in a container), show the link."""
        if self.detail is None or not self.detail.url.startswith("https://"):
            return
        url = self.detail.url
        if self.app.is_web:  # served in a browser: the page opens the link
            self.app.open_url(url)
        elif not open_in_browser(url):
            self.app.copy_to_clipboard(url)
            self.notify(
                f"No browser could be opened here. The link is copied to the clipboard:\n{url}",
                title="Open in browser",
                severity="warning",
                markup=False,
                timeout=10,
            )
