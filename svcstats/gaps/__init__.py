"""Knowledge gaps: questions the customer agent could not answer, grouped into topics, with the
dismissals and short answers kept in a local state file."""
