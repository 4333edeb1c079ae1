"""The first words the builder flags (issue 15, item 8). Administrators
change the list in the admin ("Words to review"); this only adds what is
missing."""

from django.db import migrations

TERMS = [
    ("prostituted", "en", "Says something was done to a person, removing their agency.", "people who sell sex; sex workers"),
    ("prostitute", "en", "A stigmatising label most sex workers reject.", "sex worker; person who sells sex"),
    ("rescue", "en", "Casts people as needing to be saved rather than as deciding for themselves.",
     "support; offer; work alongside"),
    ("victim", "en", "Used of all sex workers it erases their choices; use it only of trafficking, and of people "
     "who use the word themselves.", "people; participants; survivors (if they use the word)"),
    ("exploitation", "en", "Used of all sex work it equates sex work with trafficking.",
     "sex work; trafficking (only where there is force, fraud or coercion)"),
    ("at-risk", "en", "Labels people by what might happen to them, not by what they want.",
     "people who use our services; people who asked for"),
    ("prostituida", "es", "Dice que a la persona le hicieron algo y le quita su capacidad de decidir.",
     "personas que venden sexo; trabajadoras y trabajadores sexuales"),
    ("prostituta", "es", "Una etiqueta estigmatizante que la mayoría de las personas trabajadoras sexuales rechaza.",
     "trabajadora sexual; persona que hace trabajo sexual"),
    ("rescat", "es", "Presenta a las personas como alguien a quien salvar, no como quien decide por sí misma.",
     "apoyo; acompañamiento"),
    ("víctima", "es", "Dicho de todas las personas trabajadoras sexuales borra sus decisiones; úsela solo para la "
     "trata, y para quien se nombra así.", "personas; participantes; sobrevivientes (si usan la palabra)"),
    ("explotación", "es", "Dicho de todo el trabajo sexual lo confunde con la trata.",
     "trabajo sexual; trata (solo cuando hay fuerza, engaño o coerción)"),
]


def seed(apps, schema_editor):
    AgencyTerm = apps.get_model("surveys", "AgencyTerm")
    for phrase, language, reason, alternative in TERMS:
        AgencyTerm.objects.get_or_create(
            phrase=phrase, language=language, defaults={"reason": reason, "alternative": alternative}
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0017_agency_terms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
