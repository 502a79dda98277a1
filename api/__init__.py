"""kaoping's service and command line, built on `engine`."""
