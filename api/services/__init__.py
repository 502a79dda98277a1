"""Use cases of the service: what routes and the CLI ask for, without HTTP."""
