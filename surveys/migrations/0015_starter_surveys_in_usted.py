"""The starter surveys' Spanish in one form of address, "usted", with the
terms the respondent's pages use (issue 15's Spanish review), and their
intros without the anonymity promise, which the survey page itself states
once, in the template (survey.html), for every survey.

Only text still as 0003 wrote it is changed: a survey someone edited is
left as it is."""

from django.db import migrations

INTROS = {
    # title: (new intro, new intro_es); the old ones are 0003's.
    "Wellbeing check-in": (
        "We want to know how our program is working for you. "
        "These questions are about our work, not about you or your past.",
        "Queremos saber cómo le está sirviendo nuestro programa. "
        "Las preguntas son sobre nuestro trabajo, no sobre usted ni sobre su pasado.",
    ),
    "Partnership survey": (
        "We want to know how we are doing as a partner to your organization. These questions are about our work.",
        "Queremos saber qué tal trabajamos con su organización. Las preguntas son sobre nuestro trabajo.",
    ),
    "Staff and volunteer survey": (
        "This survey asks how our organization is doing. It is not about how you do your job.",
        "Esta encuesta pregunta cómo lo está haciendo nuestra organización. No es sobre cómo hace usted su trabajo.",
    ),
}
TITLES_ES = {
    "Chequeo de bienestar": "Encuesta de bienestar",
    "Encuesta para personal y voluntariado": "Encuesta para el personal y el voluntariado",
}
QUESTIONS_ES = {
    "Nuestro programa me ayuda a seguir en contacto con las personas que me importan.": "El programa me ayuda a seguir en contacto con las personas que me importan.",
    "El personal de aquí me trata con respeto.": "El equipo me trata con respeto.",
    "Me siento a salvo cuando vengo aquí o hablo con el personal.": "Me siento a salvo cuando vengo aquí o hablo con el equipo.",
    "El personal nunca me presiona para hacer algo que no quiero hacer.": "El equipo nunca me presiona para hacer algo que no quiero hacer.",
    "Nuestro programa me ayuda a mantener estables cosas de mi vida, como la vivienda, el dinero o mi rutina.": "El programa me ayuda a mantener estable mi vida: la vivienda, el dinero o mi rutina diaria.",
    "El personal se guía por lo que yo digo que necesito.": "El equipo se guía por lo que yo digo que necesito.",
    "Cuando pido algo, el personal me responde rápido.": "Cuando pido algo, el equipo me responde rápido.",
    "Me resulta fácil usar los servicios: el lugar, el horario, el idioma y el costo me funcionan.": "Me resulta fácil usar los servicios: el lugar, el horario, el idioma y el costo me convienen.",
    "Aquí puedo conseguir ayuda que va con lo que necesito.": "Aquí puedo conseguir el tipo de ayuda que necesito.",
    "¿Qué tan probable es que le recomiendes nuestro programa a una amistad?": "¿Qué tan probable es que le recomiende nuestro programa a una amistad?",
    "Respondemos rápido cuando nos piden algo.": "Respondemos rápido cuando su organización nos pide algo.",
    "El apoyo que les dimos fue el que ustedes pidieron.": "El apoyo que dimos fue el que su organización nos pidió.",
    "Seguimos su liderazgo y no nos adueñamos de su trabajo.": "Nos guiamos por lo que decide su organización y no nos adueñamos de su trabajo.",
    "¿Qué tan probable es que recomienden trabajar con nosotros a otra organización?": "¿Qué tan probable es que recomiende trabajar con nosotros a otra organización?",
    "¿Saben a quién contactar con nosotros cuando necesitan algo?": "¿Sabe a quién buscar en nuestra organización cuando necesita algo?",
    "¿Cada cuánto les gustaría tener noticias de nosotros?": "¿Cada cuánto le gustaría tener noticias nuestras?",
    "¿Qué podríamos hacer para ser mejores aliados?": "¿Qué podríamos hacer para ser una mejor organización aliada?",
    "Tratamos a las personas en el comercio sexual como expertas en su propia vida.": "Tratamos a las personas que hacen trabajo sexual como expertas en su propia vida.",
    "Nuestros volantes, sitio web y formularios respetan el derecho de cada persona a tomar sus decisiones.": "Nuestros volantes, nuestro sitio web y nuestros formularios respetan el derecho de cada persona "
    "a tomar sus propias decisiones.",
    "Cuando digo lo que me preocupa, la dirección escucha y hace algo al respecto.": "Cuando digo lo que me preocupa, las personas a cargo escuchan y hacen algo al respecto.",
    "¿Qué tan probable es que le recomiendes a una amistad trabajar o hacer voluntariado aquí?": "¿Qué tan probable es que le recomiende a una amistad trabajar o hacer voluntariado aquí?",
    "¿Qué es una cosa que deberíamos cambiar?": "Díganos una cosa que deberíamos cambiar.",
}
HINTS_ES = {
    "Por favor, no escribas nombres ni detalles que puedan mostrar quién eres o quién es otra persona.": "Por favor, no escriba nombres ni detalles que puedan mostrar quién es usted o quién es otra persona.",
    "Por favor, no escriban nombres ni detalles que puedan mostrar quién es alguien.": "Por favor, no escriba nombres ni detalles que puedan mostrar quién es una persona.",
}
CHOICES_ES = {
    "Cada pocos meses": "Cada varios meses",
    "Solo cuando ustedes nos busquen": "Solo cuando usted nos busque",
}


def _old_intros(apps):
    import importlib

    starters = importlib.import_module("surveys.migrations.0003_starter_surveys").STARTER_SURVEYS
    return {spec["title"]: (spec["intro"], spec["intro_es"]) for spec in starters}


def forwards(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    old_intros = _old_intros(apps)
    for title, (intro, intro_es) in INTROS.items():
        old, old_es = old_intros[title]
        Survey.objects.filter(title=title, intro=old).update(intro=intro)
        Survey.objects.filter(title=title, intro_es=old_es).update(intro_es=intro_es)
    for old, new in TITLES_ES.items():
        Survey.objects.filter(title_es=old).update(title_es=new)
    starters = Question.objects.filter(survey__title__in=INTROS)
    for old, new in QUESTIONS_ES.items():
        starters.filter(text_es=old).update(text_es=new)
    for old, new in HINTS_ES.items():
        starters.filter(help_text_es=old).update(help_text_es=new)
    for question in starters.exclude(choices=[]):
        choices = [{**c, "es": CHOICES_ES.get(c.get("es"), c.get("es"))} for c in question.choices]
        if choices != question.choices:
            Question.objects.filter(pk=question.pk).update(choices=choices)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0014_cards_and_paper")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
