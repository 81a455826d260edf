"""Commands for contributors: ``new`` (start an entry file and copy its images) and ``hash`` (update sha256 values)."""
