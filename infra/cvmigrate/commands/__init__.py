"""One module per `cvmigrate` subcommand."""
