"""One panel's read of the open incident: one at a time, the last request wins.

A panel asks again whenever a change it shows is announced. While a read is on
its way, further requests fold into one more read after it, so a burst of
changes costs two reads, not one per change; a read that fails still runs the
one queued behind it (the change it stands for still needs showing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from commander.store.engine import Store
    from ui.context import AppContext

T = TypeVar("T")


class LatestRead(Generic[T]):
    def __init__(
        self,
        context: AppContext,
        read: Callable[[Store, str], T],
        show: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._context = context
        self._read = read
        self._show = show
        self._on_error = on_error
        self.loading = False
        self._again = False

    def request(self) -> None:
        """Read the open incident's state and show it (unless another incident opened)."""
        incident = self._context.incident
        if incident is None or self._context.store is None:
            return
        if self.loading:
            self._again = True
            return
        self.loading = True
        ref, read = incident.ref, self._read
        self._context.read(
            lambda store: read(store, ref),
            lambda result: self._done(ref, result),
            self._failed,
        )

    def _done(self, ref: str, result: T) -> None:
        self.loading = False
        incident = self._context.incident
        if incident is not None and incident.ref == ref:
            self._show(result)
        self._next()

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self._on_error(error)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.request()
