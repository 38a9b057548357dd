"""What every check gives: a CheckResult with a Status, made through a Check for one code."""

from dataclasses import asdict, dataclass, field
from enum import StrEnum

# Where a result is shown next to.
FIELDS = ("title", "lead", "body", "language", "cover", "links")


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 (not a password)
    WARNING = "warning"
    FAILURE = "failure"


@dataclass(frozen=True)
class CheckResult:
    code: str
    status: Status
    field: str  # where to show it: title, lead, body, language, cover or links
    message: str
    details: dict = field(default_factory=dict)  # JSON-serialisable

    def as_dict(self) -> dict:
        return {**asdict(self), "status": str(self.status)}


@dataclass(frozen=True)
class Check:
    """Makes one check's results; the values fill in the message and become the details."""

    code: str
    field: str

    def passed(self, message: str, **values) -> CheckResult:
        return self._result(Status.PASS, message, values)

    def warning(self, message: str, **values) -> CheckResult:
        return self._result(Status.WARNING, message, values)

    def failure(self, message: str, **values) -> CheckResult:
        return self._result(Status.FAILURE, message, values)

    def _result(self, status: Status, message: str, values: dict) -> CheckResult:
        text = message % values if values else message
        return CheckResult(self.code, status, self.field, text, values)
