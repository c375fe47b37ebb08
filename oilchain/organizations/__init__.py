"""Organizations' public pages: the URI the EPCIS export names an
organization by when it has no GLN, answering with who it is."""
