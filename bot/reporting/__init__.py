"""The insights report for the project lead: what businesses ask, and how the bot copes.

``record`` turns each of the assistant's decisions into an interaction row
(no identity); ``data`` reads the rows back, ``figures`` computes the
report's numbers, ``grouping`` groups unanswered questions by similarity,
``charts`` draws them, and ``report`` writes the HTML page and CSV files.
"""
