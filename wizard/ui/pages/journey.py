"""The journey plan: every onboarding step with who does it, how long it takes and where it stands."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import WizardError
from wizard.core.flow import PageId, page_for_step
from wizard.core.journey import (
    JourneyTimeline,
    PlannedStep,
    expected_time,
    journey_timeline,
    timeline_at_hand,
    timeline_lines,
)
from wizard.core.model import STEP_STATUSES, with_step_status
from wizard.core.profile import Profile
from wizard.core.support import HEADING as SUPPORT_HEADING
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets import FindingsPanel, row_table

STATUS_TEXT = {"not-started": "Not started", "in-progress": "In progress", "done": "Done"}
INTRO = ("The DIP steps must be done in this order. Each is done by the people who hold its role; record the "
         "status here as you go. Select a step to see what it needs; Open this step takes you to the page that "
         "helps with it.")


class JourneyPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Journey plan", "The onboarding steps, who does each one, and where you are.", INTRO)
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.next_label.setAccessibleName("Next action")
        self.body.addWidget(self.next_label)
        self.timeline_label = QLabel()
        self.timeline_label.setWordWrap(True)
        self.timeline_label.setAccessibleName("How long onboarding takes")
        self.body.addWidget(self.timeline_label)
        self.help_label = QLabel()
        self.help_label.setWordWrap(True)
        self.help_label.setTextFormat(Qt.TextFormat.RichText)
        self.help_label.setOpenExternalLinks(True)
        self.help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.help_label.setAccessibleName(SUPPORT_HEADING)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = row_table(["Step", "What", "Who", "Expected time", "Status", "Dates"])
        self.table.setWordWrap(True)
        self.table.setAccessibleName("Onboarding steps")
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Fixed,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(3, 150)
        # Row heights depend on column widths, which are only final once the table is laid out.
        header.sectionResized.connect(lambda *_: self._fit_table())
        splitter.addWidget(self.table)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        status_row = QHBoxLayout()
        self.status_label = QLabel("&Status of this step:")
        self.status = QComboBox()
        for key in STEP_STATUSES:
            self.status.addItem(STATUS_TEXT[key], key)
        self.status_label.setBuddy(self.status)
        status_row.addWidget(self.status_label)
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        self.open_button = QPushButton("&Open this step")
        self.open_button.setAccessibleDescription("Go to the page of the wizard that helps with the selected step")
        self.open_button.clicked.connect(self._open_step)
        status_row.addWidget(self.open_button)
        left.addLayout(status_row)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setAccessibleName("About the selected step")
        # The step's official guidance has a line of its own above the details, so it is never scrolled away.
        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.guidance.setOpenExternalLinks(True)
        self.guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.guidance.setAccessibleName("Official guidance for the selected step")
        left.addWidget(self.guidance)
        left.addWidget(_scrolling(self.details), 1)
        lower_layout.addLayout(left, 2)
        self.findings = FindingsPanel("Checks", "Nothing needs your attention.")
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop)
        # Where to get help follows the checks, in the same scrolling column: it takes no rows from the plan and,
        # in a small window, scrolls rather than being cut off.
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.findings)
        right_layout.addWidget(self.help_label)
        right_layout.addStretch(1)
        right_area = QScrollArea()
        right_area.setWidgetResizable(True)
        right_area.setFrameShape(QFrame.Shape.NoFrame)
        right_area.setWidget(right)
        lower_layout.addWidget(right_area, 1)
        splitter.addWidget(lower)
        # Nine or ten steps fit in about half the page; the other half is for the selected step's details.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.body.addWidget(splitter, 1)
        self.finish_layout()
        self._plan: tuple[PlannedStep, ...] = ()
        self._calendars_loading = False
        self.status.activated.connect(self._on_status_chosen)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))

    def first_field(self) -> QWidget:
        return self.table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        session = self.onboarding().session
        if not self._calendars_loading and session is not None and \
                not timeline_at_hand(session.profile, self._plan, session.today()):
            self._refresh()  # drawn before it was shown (the wizard's walk): now the dates can be worked out

    def initializePage(self) -> None:
        self.clear_error()
        self._refresh()

    def _refresh(self) -> None:
        session = self.onboarding().session
        assert session is not None
        profile = session.profile
        self._plan = session.plan()
        timeline = self._show_timeline()
        self.help_label.setText(_support_html(profile))
        self.help_label.setVisible(bool(profile.support))
        current = self.table.currentRow()
        self.table.setRowCount(len(self._plan))
        next_row = 0
        for row, item in enumerate(self._plan):
            step = item.step
            owners = ", ".join(p.name for p in item.owners) or "Nobody yet"
            roles = " or ".join(profile.role(r).name for r in step.owner_roles)
            who = f"{owners} ({roles})"
            if item.helpers:
                who += "; helped by " + ", ".join(p.name for p in item.helpers)
            # Unnumbered steps (before you start, promotion) are named in full in the next column.
            label = ("▶ " if item.is_next else "") + (f"Step {step.number}" if step.number else "")
            expected = expected_time(step, profile.timeline) or "—"
            cells = [label, step.title, who, expected, STATUS_TEXT[item.progress.status], _dates(item, timeline)]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.is_next:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, col, cell)
            if item.is_next:
                next_row = row
        self._fit_table()
        self._show_next(profile)
        self.findings.set_findings(tuple(f for f in session.findings() if f.severity != "info"))
        self.table.setCurrentCell(current if current >= 0 else next_row, 0)
        self._show_details(self.table.currentRow())

    def _fit_table(self) -> None:
        """Rows as tall as their text, and the table no taller than its rows: the room below them goes to the
        selected step's details (the splitter still lets the user make the table smaller)."""
        table = self.table
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setMaximumHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth())

    def _on_status_chosen(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._plan):
            return
        step_id = self._plan[row].step.id
        status = str(self.status.currentData())
        if status == self._plan[row].progress.status:
            return
        wizard = self.onboarding()
        session = wizard.session
        assert session is not None
        try:
            wizard.commit(with_step_status(session.project, step_id, status, session.today()))
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.clear_error()
        self._refresh()

    def _show_timeline(self) -> JourneyTimeline | None:
        """How long the whole onboarding takes and when it should be done, in working days (as `status` says)."""
        session = self.session()
        profile, plan, today = session.profile, self._plan, session.today()
        if not timeline_at_hand(profile, plan, today):
            # Dates outside the UK table import the bank holiday calendars (~150 ms): the page is drawn first, then they
            # are loaded and the plan redrawn. On the GUI thread, after this paint: a pool thread importing them
            # while pages changed was seen to take the window down with it (PySide's import hook runs there too).
            self.timeline_label.setText("Working out the planned dates…")
            if not self._calendars_loading and self.isVisible():  # not while a resume walks past this page
                self._calendars_loading = True
                QTimer.singleShot(0, self, lambda: self._load_calendars(profile, plan, today))
            return None
        try:
            timeline = journey_timeline(profile, plan, today)
        except WizardError as exc:
            self.timeline_label.setText(html.escape(str(exc)))
            return None
        self.timeline_label.setVisible(timeline is not None)
        if timeline is not None:
            self.timeline_label.setText(" ".join(html.escape(line) for line in timeline_lines(timeline)))
            self.timeline_label.setToolTip(timeline.timeline.provenance.note or "")
        return timeline

    def _load_calendars(self, profile: Profile, plan: tuple[PlannedStep, ...], today: dt.date) -> None:
        try:
            journey_timeline(profile, plan, today)
        except WizardError as exc:
            self.timeline_label.setText(html.escape(str(exc)))
            return
        finally:
            self._calendars_loading = False
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:  # else the next visit draws it, loaded by then
            self._refresh()

    def _show_next(self, profile: Profile) -> None:
        upcoming = next((i for i in self._plan if i.is_next), None)
        if upcoming is None:
            self.next_label.setText("<b>Every step is done.</b>")
            return
        step = upcoming.step
        roles = " or ".join(profile.role(r).name for r in step.owner_roles)
        who = ", ".join(p.name for p in upcoming.owners) or f"a {roles} (nobody holds this role yet)"
        self.next_label.setText(f"<b>Next: {html.escape(step.heading)}.</b> "
                                f"Who: {html.escape(who)}.")

    def _page_for(self, row: int) -> PageId | None:
        if not 0 <= row < len(self._plan):
            return None
        return page_for_step(self.session().profile, self._plan[row].step.id)

    def _open_step(self) -> None:
        """Open the page that helps with the selected step, as if the user had clicked through to it."""
        target = self._page_for(self.table.currentRow())
        if target is None:
            return
        wizard = self.onboarding()
        if target < PageId.JOURNEY:
            wizard.revisit(target)
        else:
            wizard.walk_to(target)

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(self._plan):
            self.details.clear()
            self.guidance.clear()
            self.status.setEnabled(False)
            self.open_button.setEnabled(False)
            return
        item = self._plan[row]
        target = self._page_for(row)
        self.open_button.setEnabled(target is not None)
        self.open_button.setToolTip("" if target is not None else "This step is done in the DIP portal; its details "
                                    "are shown below.")
        self.status.setEnabled(True)
        self.status.setCurrentIndex(STEP_STATUSES.index(item.progress.status))
        self.status.setAccessibleName(f"Status of {item.step.title}")
        step = item.step
        parts = [f"<b>{html.escape(step.heading)}</b><br>{html.escape(step.summary)}"]
        if step.preconditions:
            needs = "".join(f"<li>{html.escape(c)}</li>" for c in step.preconditions)
            parts.append(f"<b>Before this step:</b><ul style='margin-left:-20px'>{needs}</ul>")
        expected = expected_time(step, self.session().profile.timeline)
        if expected:
            parts.append(f"Expected time: {html.escape(expected)}.")
        src = step.provenance.source
        self.guidance.setVisible(bool(src))
        if src:
            site = urlsplit(src).hostname or src
            self.guidance.setText(f"Official guidance: <a href='{html.escape(src)}'>{html.escape(step.title)}</a> "
                                  f"(on {html.escape(site)})")
        if not step.provenance.confirmed and step.provenance.note:
            parts.append(f"<i>Not confirmed by public guidance: {html.escape(step.provenance.note)}</i>")
        self.details.setText("<br>".join(parts))


def _support_html(profile: Profile) -> str:
    """Where to get help, with working links: the same contacts and words as `status` and the bundles give."""
    e = html.escape
    parts = []
    for c in profile.support:
        name = f"<a href='{e(c.url)}'>{e(c.name)}</a>" if c.url else e(c.name)
        mail = f": <a href='mailto:{e(c.email)}'>{e(c.email)}</a>" if c.email else ""
        about = f" (the link is {e(c.url_is)})" if c.url and c.url_is else ""
        unconfirmed = "" if c.provenance.confirmed else " (not confirmed by public guidance)"
        parts.append(f"{name}, for {e(c.use_for)}{mail}{about}{unconfirmed}")
    return f"<b>{e(SUPPORT_HEADING)}:</b> " + "; ".join(parts) + "."


def _scrolling(label: QLabel) -> QScrollArea:
    """Long step details and checks scroll instead of being cut off in a small window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(label)
    return area


def _dates(item: PlannedStep, timeline: JourneyTimeline | None) -> str:
    p = item.progress
    if p.done_on:
        return f"Done {p.done_on:%d %b %Y}"
    if p.started_on:
        started = f"Started {p.started_on:%d %b %Y}"
        if timeline is not None and timeline.wait is not None and item.step.id == timeline.wait_step.id:
            # The longest wait: when it should be over, in working days.
            return f"{started}\nexpected {timeline.wait.earliest:%d %b}–{timeline.wait.latest:%d %b %Y}"
        return started
    return ""
