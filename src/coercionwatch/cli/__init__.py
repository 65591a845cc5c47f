"""The command line: parsing arguments and printing results, nothing more."""
