"""Easy read content for the case tracking chat bot, and its readability checker."""
