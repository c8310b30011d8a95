"""The hash chain over the log and verify's independent fold: what proves the log and its views untouched."""
