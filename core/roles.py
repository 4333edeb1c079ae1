"""The roles: Django groups an administrator assigns in the admin, created
with their permissions by each app's data migrations (which keep the names
as they were when written)."""

PROGRAM_MANAGERS = "Program managers"
LEADERSHIP = "Leadership"


def grant(apps, app_label: str, roles: dict[str, list[str]]) -> None:
    """Adds `app_label`'s permissions named in `roles` to each group, creating
    groups and permissions as needed (permissions are normally made only after
    all migrations have run)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Migration states hold stubs with no models module, which
        # create_permissions would skip; the real registry is left as it is.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke(apps, app_label: str, roles: dict[str, list[str]]) -> None:
    """Takes back what grant() gave (a migration going backwards)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=roles):
        codenames = roles[group.name]
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
