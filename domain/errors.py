"""One small exception tree; the CLI maps each branch to an exit code."""


class ChronicleError(Exception):
    """Base of every error Chronicle reports to a user."""

    exit_code = 1


class InvalidInput(ChronicleError):
    """The user's input breaks the format or a rule (exit 2)."""

    exit_code = 2


class UnknownReference(InvalidInput):
    """A development names an actor, negotiation or development that does not exist."""


class ConflictingDevelopment(InvalidInput):
    """The same id was recorded before with other content, or a rule no longer holds."""


class NotFound(ChronicleError):
    """No actor, negotiation or development by that name (exit 1)."""


class StoreError(ChronicleError):
    """The store is missing, unreadable or unreachable (exit 1)."""


class IntegrityFailure(ChronicleError):
    """The log or a projection does not match what was recorded (exit 3)."""

    exit_code = 3
