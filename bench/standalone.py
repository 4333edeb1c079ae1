"""Running one benchmark module on its own (`python -m bench.<module>`): the
bench settings, the database migrated, the section printed."""

import os
from collections.abc import Callable


def main(run: Callable) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.bench")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    sections = run()
    for section in sections if isinstance(sections, list) else [sections]:
        print(f"## {section.title}\n\n{section.markdown}")
