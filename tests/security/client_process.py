"""A second web process, for the rate-limit test: asks for one survey link
from a given client address and prints the status. Run as
`python -m tests.security.client_process ADDRESS PATH [FROZEN_AT]` with the test
database and Redis in the environment; it shares only Redis with the test."""

import os
import sys


def main(address: str, path: str, frozen_at: str = "") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host, "testserver", in
    if not frozen_at:
        print(Client(REMOTE_ADDR=address).get(path).status_code)
        return
    import time_machine

    # The test froze its clock in one rate-limit window: stand in the same one.
    with time_machine.travel(float(frozen_at), tick=False):
        print(Client(REMOTE_ADDR=address).get(path).status_code)


if __name__ == "__main__":
    main(*sys.argv[1:4])
