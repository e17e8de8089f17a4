"""Forms of the front door's pages: they parse and check input; services make the change."""
