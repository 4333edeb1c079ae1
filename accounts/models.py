from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

POLICY_PK = 1


class TwoFactorPolicy(models.Model):
    """The one row that says whether every account must use two-factor login.
    Every signed-in account is staff here (respondents have no account), so
    "all staff" means everyone who signs in. Until an administrator saves it,
    the server setting CRM_REQUIRE_TWO_FACTOR decides; the server setting can
    only add the requirement, never lift it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=POLICY_PK, editable=False)
    required = models.BooleanField(
        _("require two-factor login for every account"),
        default=False,
        help_text=_(
            "When on, anyone who signs in without two-factor login set up is taken to set it up "
            "and can open nothing else until they have."
        ),
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "crm_twofactorpolicy"  # made when this lived in crm/: the table keeps its name
        verbose_name = _("two-factor policy")
        verbose_name_plural = _("two-factor policy")
        constraints = [models.CheckConstraint(condition=models.Q(id=POLICY_PK), name="two_factor_policy_singleton")]

    def __str__(self) -> str:
        return str(_("Two-factor login required") if self.required else _("Two-factor login optional"))

    @classmethod
    def is_required(cls) -> bool:
        """One primary-key lookup. Never creates the row: reading a page
        must not write to the database."""
        if settings.CRM_REQUIRE_TWO_FACTOR:
            return True
        return cls.objects.filter(pk=POLICY_PK, required=True).exists()
