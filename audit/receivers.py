"""Signal receivers that feed the audit trail (trail.py): Django's login
signals, every change to a user's groups or superuser/staff flags, whichever
way it is made (the admin, a shell, a management command), and the list
exports of core.exports, which cannot import this app."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from core.exports import export_downloaded

from . import trail

ROLE_FLAGS = {"is_superuser": "superuser", "is_staff": "staff (admin site)"}


def on_login(sender, request, user, **kwargs) -> None:
    trail.record_login(request, user)


def on_logout(sender, request, user, **kwargs) -> None:
    trail.record_logout(request, user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password in `credentials` with stars;
    # only the username is read, and trail.record_failed_login filters it.
    attempted = credentials.get(get_user_model().USERNAME_FIELD, "")
    trail.record_failed_login(request, attempted if isinstance(attempted, str) else "")


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """user.groups.add/remove/set/clear, or group.user_set.…: one event per
    user whose roles changed."""
    if action == "pre_clear":
        # After the clear the rows are gone: remember who loses what now.
        related = instance.user_set.all() if reverse else instance.groups.all()
        instance._audit_cleared = list(related)
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    related = list(model._default_manager.filter(pk__in=pk_set)) if pk_set else []
    if action == "post_clear":
        related = instance.__dict__.pop("_audit_cleared", [])
    if not related:
        return
    verb = "added to" if action == "post_add" else "removed from"
    if reverse:  # instance is a Group, related are users
        for user in related:
            trail.record_role_change(user, f"{verb} {instance.name}")
    else:
        names = ", ".join(sorted(group.name for group in related))
        trail.record_role_change(instance, f"{verb} {names}")


def remember_role_flags(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved: the flags as they are in the database."""
    instance._audit_old_flags = None
    if raw or (update_fields is not None and not ROLE_FLAGS.keys() & set(update_fields)):
        return  # e.g. the last_login update at every login: no query
    if instance._state.adding or instance.pk is None:
        instance._audit_old_flags = dict.fromkeys(ROLE_FLAGS, False)
    else:
        instance._audit_old_flags = sender._default_manager.filter(pk=instance.pk).values(*ROLE_FLAGS).first()


def record_role_flags(sender, instance, raw=False, **kwargs) -> None:
    old = instance.__dict__.pop("_audit_old_flags", None)
    if raw or old is None:
        return
    changes = [
        f"{label} {'granted' if getattr(instance, flag) else 'removed'}"
        for flag, label in ROLE_FLAGS.items()
        if bool(getattr(instance, flag)) != bool(old[flag])
    ]
    if changes:
        trail.record_role_change(instance, ", ".join(changes))


def on_export(sender, request, filename, **kwargs) -> None:
    trail.record_export(request, filename)


def connect() -> None:
    User = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid="audit.groups")
    pre_save.connect(remember_role_flags, sender=User, dispatch_uid="audit.flags_before")
    post_save.connect(record_role_flags, sender=User, dispatch_uid="audit.flags_after")
    export_downloaded.connect(on_export, dispatch_uid="audit.export")
