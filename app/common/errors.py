"""Domain refusals whose message is translated when it is read, not when it is raised.

Operations raise a subclass of :class:`Refusal` with an Indonesian message marked for the
catalog, ``lazy_gettext("... %(name)s ...", name=value)`` (Indonesian msgids, English in
``translations/en``). The message is looked up when it is *read* — ``refused.message`` or
``str(refused)`` — in the language of the request at that moment: the page's language in the
web UI, the problem documents' language in the API (``app.common.i18n.select_locale``), and
Indonesian outside a request (CLI, worker).

Both always return a plain ``str``, so whatever stores, logs, flashes, pickles or JSON-encodes
the message gets an ordinary string, never a lazy object. ``lazy`` is the untranslated message,
for re-raising it as another refusal without fixing its language early.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A refused operation with a message for the user; ``field`` names the form field concerned.

    ``message`` may be a lazy string (``flask_babel.lazy_gettext``) or a plain ``str``.
    """

    def __init__(self, message: Any, field: str | None = None):
        super().__init__(message)
        self.lazy = message
        self.field = field

    @property
    def message(self) -> str:
        """The message in the current request's language (a plain ``str``)."""
        return str(self.lazy)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle the resolved text: a lazy string holds a bound method of the Babel domain.
        return (type(self), (self.message, self.field))
