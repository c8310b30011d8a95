"""The thin service layer: the eventsourcing Application, the pydantic mapper, and store settings."""
