"""Readers for official sanctions lists. Each streams entries in the shared ListEntry shape;
`read_list` detects the format from the files' content."""

from .detect import ListRead, detect_format, read_list

__all__ = ["ListRead", "detect_format", "read_list"]
