"""Shared language tools: sentences and the press-contact block, the date grammar, the number grammar."""
