"""`followthrough worker` whose CSV check goes slowly (five rows a step, a pause before each),
so that tests/test_task_processes.py can kill it mid-task. Run as `python -m tests.slow_worker`
with the worker's arguments."""

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followthrough.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from followthrough.metrics import imports
    from followthrough.metrics.models import ImportRun

    check_next = imports.check_next

    def slowly(run: ImportRun, count: int | None = None) -> ImportRun:
        time.sleep(0.2)
        return check_next(run, 5)

    imports.check_next = slowly
    call_command("worker", *sys.argv[1:])


if __name__ == "__main__":
    main()
