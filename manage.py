#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    from django.core.management import execute_from_command_line

    from project.config import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        if "--json" in sys.argv[2:]:
            # --json promises one JSON document on stdout, failures included.
            print(json.dumps({"error": {"message": str(error), "exit_code": 2}}, indent=2))
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
