"""A plain text progress bar for management commands (RET-5).

On a terminal it redraws one line; in a log (cron, systemd) it writes a line at
the start, at every tenth and at the end, so the journal stays readable.
"""


class ProgressBar:
    def __init__(self, stream, total: int, *, label: str = "cases", width: int = 30):
        self.stream = stream
        self.total = total
        self.label = label
        self.width = width
        self.interactive = bool(getattr(stream, "isatty", lambda: False)())
        self._last_tenth = -1

    def render(self, done: int, extra: str = "") -> str:
        filled = self.width if not self.total else self.width * done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        return f"[{bar}] {done}/{self.total} {self.label}{extra}"

    def update(self, done: int, extra: str = "") -> None:
        line = self.render(done, extra)
        finished = done >= self.total
        if self.interactive:
            self.stream.write("\r" + line + ("\n" if finished else ""), ending="")
            self.stream.flush()
            return
        tenth = 10 if not self.total else 10 * done // self.total
        if tenth != self._last_tenth or finished:
            self._last_tenth = tenth
            self.stream.write(line)
