"""Response → Health checks…: the open incident's checks, add one, remove one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from commander.domain.health import (
    DEFAULT_EVERY_SECONDS,
    DEFAULT_SLOW_MS,
    EVERY_SECONDS_RANGE,
    SLOW_MS_RANGE,
    parse_target,
)
from commander.errors import CommanderError
from ui.common.named import named, wrapping
from ui.health import store_calls

if TYPE_CHECKING:
    from commander.views.health import HealthCheckView, HealthWatch
    from ui.context import AppContext


def describe(check: HealthCheckView) -> str:
    return (
        f"{check.state.value:<7}  {check.target}  "
        f"(every {check.every_seconds} s, slow over {check.slow_ms} ms)"
    )


class HealthChecksDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        ref: str,
        report_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Health checks of {ref}")
        self.resize(640, 360)
        self._context = context
        self._ref = ref
        self._report_error = report_error
        self.check_list = named(QListWidget(), "healthChecks")
        self.check_list.currentRowChanged.connect(self._on_selected)
        self.remove_button = named(QPushButton("&Remove"), "removeHealthCheck")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.target_edit = named(QLineEdit(), "healthTarget")
        self.target_edit.setPlaceholderText("https://api.example.com/healthz or tcp://db:5432")
        self.target_edit.returnPressed.connect(self.add)
        self.every_box = named(QSpinBox(), "healthEvery")
        self.every_box.setRange(*EVERY_SECONDS_RANGE)
        self.every_box.setValue(DEFAULT_EVERY_SECONDS)
        self.every_box.setSuffix(" s")
        self.slow_box = named(QSpinBox(), "healthSlowMs")
        self.slow_box.setRange(*SLOW_MS_RANGE)
        self.slow_box.setValue(DEFAULT_SLOW_MS)
        self.slow_box.setSuffix(" ms")
        self.add_button = named(QPushButton("&Add"), "addHealthCheck")
        self.add_button.clicked.connect(self.add)
        self.problem = wrapping(named(QLabel(), "healthProblem"))
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("URL or tcp://HOST:PORT", self.target_edit)
        form.addRow("Probe every", self.every_box)
        form.addRow("Slow over", self.slow_box)
        adding = QHBoxLayout()
        adding.addLayout(form, 1)
        adding.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Probed while the incident is open; only changes are logged."))
        layout.addWidget(self.check_list, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(adding)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._checks: list[HealthCheckView] = []

    def show_watch(self, watch: HealthWatch | None) -> None:
        if watch is not None and watch.ref != self._ref:
            return
        selected = self.selected()
        self._checks = list(watch.checks) if watch is not None else []
        self.check_list.clear()
        for check in self._checks:
            item = QListWidgetItem(describe(check))
            item.setData(Qt.ItemDataRole.UserRole, check.id)
            self.check_list.addItem(item)
            if selected is not None and check.id == selected.id:
                self.check_list.setCurrentItem(item)
        self._on_selected(self.check_list.currentRow())

    def selected(self) -> HealthCheckView | None:
        row = self.check_list.currentRow()
        return self._checks[row] if 0 <= row < len(self._checks) else None

    def _on_selected(self, row: int) -> None:
        self.remove_button.setEnabled(0 <= row < len(self._checks))

    def _say(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))

    def add(self) -> None:
        text = self.target_edit.text()
        try:
            parse_target(text)  # said here at once; the core checks it again
        except CommanderError as error:
            self._say(str(error))
            return
        self._say(None)
        ref, author = self._ref, self._context.author()
        every, slow = self.every_box.value(), self.slow_box.value()
        self.add_button.setEnabled(False)
        self._context.write(
            lambda store: store_calls.add_check(store, ref, text, author, every, slow),
            self._on_added,
            self._on_failed,
        )

    def _on_added(self, _check: HealthCheckView) -> None:
        self.add_button.setEnabled(True)
        self.target_edit.clear()

    def remove_selected(self) -> None:
        check = self.selected()
        if check is None:
            return
        ref, author, check_id = self._ref, self._context.author(), check.id
        self._say(None)
        self._context.write(
            lambda store: store_calls.remove_check(store, ref, check_id, author),
            on_error=self._on_failed,
        )

    def _on_failed(self, error: BaseException) -> None:
        self.add_button.setEnabled(True)
        if isinstance(error, CommanderError):
            self._say(str(error))  # refused: one line under the form, nothing written
            return
        self._report_error(error)
