"""One client per outside service the server talks to."""
