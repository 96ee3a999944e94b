"""Charts of a report's result: in the terminal (text) and in html, svg and png files (matplotlib)."""
