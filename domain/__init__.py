"""Pure domain: the interchange format, the rules that guard it, the stored events. No I/O."""
