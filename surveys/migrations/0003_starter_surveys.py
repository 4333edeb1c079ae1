"""Three starter surveys, ready to schedule: participants, partner
organizations, staff and volunteers.

They ask about the organization's work, never about a person's past; every
question can be skipped; plain words, in English and Spanish. Questions with
the same mirror_key ask the same thing of each audience, so the three views
can be read side by side (respect, responsive, follows-lead, would-recommend).
The wellbeing questions follow the Full Frame Initiative's five domains,
written in our own words.

Idempotent: a survey that already exists (same title and audience) is left as
it is, edits included."""

from django.db import migrations

AGREEMENT, LIKELIHOOD, YES_NO = "agreement", "likelihood", "yes_no"
SINGLE_CHOICE, LONG_TEXT = "single_choice", "long_text"

NO_NAMES = (
    "Please do not write names or details that could show who you are or who someone else is.",
    "Por favor, no escribas nombres ni detalles que puedan mostrar quién eres o quién es otra persona.",
)
NO_NAMES_FORMAL = (
    "Please do not write names or details that could show who anyone is.",
    "Por favor, no escriban nombres ni detalles que puedan mostrar quién es alguien.",
)


def q(kind, text, text_es, *, domain="", mirror_key="", hint=("", ""), choices=()):
    return {
        "kind": kind,
        "text": text,
        "text_es": text_es,
        "help_text": hint[0],
        "help_text_es": hint[1],
        "domain": domain,
        "mirror_key": mirror_key,
        "choices": [{"en": en, "es": es} for en, es in choices],
        "required": False,
    }


PARTICIPANTS = {
    "title": "Wellbeing check-in",
    "title_es": "Chequeo de bienestar",
    "audience": "participants",
    "estimated_minutes": 4,
    "intro": (
        "We want to know how our program is working for you. "
        "These questions are about our work, not about you or your past.\n\n"
        "Your answers are anonymous. We do not ask for your name, and we cannot tell who answered. "
        "Our program staff and leaders read the answers only when 5 or more people have answered. "
        "You can skip any question."
    ),
    "intro_es": (
        "Queremos saber cómo te está funcionando nuestro programa. "
        "Las preguntas son sobre nuestro trabajo, no sobre ti ni sobre tu pasado.\n\n"
        "Tus respuestas son anónimas. No te pedimos tu nombre y no podemos saber quién respondió. "
        "El personal del programa y la dirección leen las respuestas solo cuando han respondido 5 personas o más. "
        "Puedes saltar cualquier pregunta."
    ),
    "questions": [
        q(
            AGREEMENT,
            "Our program helps me stay connected to people who matter to me.",
            "Nuestro programa me ayuda a seguir en contacto con las personas que me importan.",
            domain="connectedness",
        ),
        q(
            AGREEMENT,
            "Staff here treat me with respect.",
            "El personal de aquí me trata con respeto.",
            domain="connectedness",
            mirror_key="respect",
        ),
        q(
            AGREEMENT,
            "I feel safe when I come here or talk with staff.",
            "Me siento a salvo cuando vengo aquí o hablo con el personal.",
            domain="safety",
        ),
        q(
            AGREEMENT,
            "Staff never push me to do something I do not want to do.",
            "El personal nunca me presiona para hacer algo que no quiero hacer.",
            domain="safety",
        ),
        q(
            AGREEMENT,
            "Our program helps me keep things steady in my life, like housing, money or my daily routine.",
            "Nuestro programa me ayuda a mantener estables cosas de mi vida, como la vivienda, el dinero o mi rutina.",
            domain="stability",
        ),
        q(
            AGREEMENT,
            "Staff follow my lead about what I need.",
            "El personal se guía por lo que yo digo que necesito.",
            domain="mastery",
            mirror_key="follows-lead",
        ),
        q(
            AGREEMENT,
            "I decide how and when I take part.",
            "Yo decido cómo y cuándo participo.",
            domain="mastery",
        ),
        q(
            AGREEMENT,
            "When I ask for something, staff respond quickly.",
            "Cuando pido algo, el personal me responde rápido.",
            domain="access",
            mirror_key="responsive",
        ),
        q(
            AGREEMENT,
            "It is easy for me to use our services: the place, the hours, the language and the cost all work for me.",
            "Me resulta fácil usar los servicios: el lugar, el horario, el idioma y el costo me funcionan.",
            domain="access",
        ),
        q(
            AGREEMENT,
            "I can get help here that fits what I need.",
            "Aquí puedo conseguir ayuda que va con lo que necesito.",
            domain="access",
        ),
        q(
            LIKELIHOOD,
            "How likely are you to recommend our program to a friend?",
            "¿Qué tan probable es que le recomiendes nuestro programa a una amistad?",
            mirror_key="would-recommend",
        ),
        q(LONG_TEXT, "What should we do differently?", "¿Qué deberíamos hacer de otra manera?", hint=NO_NAMES),
    ],
}

PARTNERS = {
    "title": "Partnership survey",
    "title_es": "Encuesta para organizaciones aliadas",
    "audience": "partners",
    "estimated_minutes": 5,
    "intro": (
        "We want to know how we are doing as a partner to your organization. "
        "These questions are about our work.\n\n"
        "Your answers are anonymous. We do not link them to you or to your organization. "
        "Our program staff and leaders read the answers only when 5 or more people have answered. "
        "You can skip any question."
    ),
    "intro_es": (
        "Queremos saber cómo lo estamos haciendo como aliados de su organización. "
        "Las preguntas son sobre nuestro trabajo.\n\n"
        "Sus respuestas son anónimas. No las conectamos con usted ni con su organización. "
        "El personal del programa y la dirección leen las respuestas solo cuando han respondido 5 personas o más. "
        "Puede saltar cualquier pregunta."
    ),
    "questions": [
        q(
            AGREEMENT,
            "We treat your organization with respect.",
            "Tratamos a su organización con respeto.",
            mirror_key="respect",
        ),
        q(
            AGREEMENT,
            "We respond quickly when you ask for something.",
            "Respondemos rápido cuando nos piden algo.",
            mirror_key="responsive",
        ),
        q(
            AGREEMENT,
            "The support we gave matched what you asked for.",
            "El apoyo que les dimos fue el que ustedes pidieron.",
        ),
        q(
            AGREEMENT,
            "We follow your lead and do not take over your work.",
            "Seguimos su liderazgo y no nos adueñamos de su trabajo.",
            mirror_key="follows-lead",
        ),
        q(
            LIKELIHOOD,
            "How likely are you to recommend working with us to another organization?",
            "¿Qué tan probable es que recomienden trabajar con nosotros a otra organización?",
            mirror_key="would-recommend",
        ),
        q(
            YES_NO,
            "Do you know who to contact here when you need something?",
            "¿Saben a quién contactar con nosotros cuando necesitan algo?",
        ),
        q(
            SINGLE_CHOICE,
            "How often would you like to hear from us?",
            "¿Cada cuánto les gustaría tener noticias de nosotros?",
            choices=[
                ("Every week", "Cada semana"),
                ("Every month", "Cada mes"),
                ("Every few months", "Cada pocos meses"),
                ("Only when you reach out to us", "Solo cuando ustedes nos busquen"),
            ],
        ),
        q(
            LONG_TEXT,
            "What could we do to be a better partner?",
            "¿Qué podríamos hacer para ser mejores aliados?",
            hint=NO_NAMES_FORMAL,
        ),
    ],
}

STAFF = {
    "title": "Staff and volunteer survey",
    "title_es": "Encuesta para personal y voluntariado",
    "audience": "staff",
    "estimated_minutes": 5,
    "intro": (
        "This survey asks how our organization is doing. It is not about how you do your job.\n\n"
        "Your answers are anonymous. We do not link them to your name. "
        "Leaders and program staff read the answers only when 5 or more people have answered. "
        "You can skip any question."
    ),
    "intro_es": (
        "Esta encuesta pregunta cómo lo está haciendo nuestra organización. No es sobre cómo haces tu trabajo.\n\n"
        "Tus respuestas son anónimas. No las conectamos con tu nombre. "
        "La dirección y el personal del programa leen las respuestas solo cuando han respondido 5 personas o más. "
        "Puedes saltar cualquier pregunta."
    ),
    "questions": [
        q(
            AGREEMENT,
            "We treat the people we work with with respect.",
            "Tratamos con respeto a las personas con quienes trabajamos.",
            mirror_key="respect",
        ),
        q(
            AGREEMENT,
            "We treat people in the sex trades as experts on their own lives.",
            "Tratamos a las personas en el comercio sexual como expertas en su propia vida.",
        ),
        q(
            AGREEMENT,
            "Our flyers, website and forms respect people's right to make their own choices.",
            "Nuestros volantes, sitio web y formularios respetan el derecho de cada persona a tomar sus decisiones.",
        ),
        q(
            AGREEMENT,
            "I feel able to raise concerns here without fear.",
            "Siento que aquí puedo decir lo que me preocupa sin miedo.",
        ),
        q(
            AGREEMENT,
            "When I raise a concern, leaders listen and act on it.",
            "Cuando digo lo que me preocupa, la dirección escucha y hace algo al respecto.",
        ),
        q(
            AGREEMENT,
            "We respond quickly when participants or partners ask for something.",
            "Respondemos rápido cuando las personas participantes o las organizaciones aliadas nos piden algo.",
            mirror_key="responsive",
        ),
        q(
            AGREEMENT,
            "We follow the lead of participants and partners instead of deciding for them.",
            "Nos guiamos por lo que deciden las personas participantes y las organizaciones aliadas, "
            "en vez de decidir por ellas.",
            mirror_key="follows-lead",
        ),
        q(
            LIKELIHOOD,
            "How likely are you to recommend working or volunteering here to a friend?",
            "¿Qué tan probable es que le recomiendes a una amistad trabajar o hacer voluntariado aquí?",
            mirror_key="would-recommend",
        ),
        q(LONG_TEXT, "What is one thing we should change?", "¿Qué es una cosa que deberíamos cambiar?", hint=NO_NAMES),
    ],
}

STARTER_SURVEYS = [PARTICIPANTS, PARTNERS, STAFF]


def create_starter_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    for spec in STARTER_SURVEYS:
        fields = {key: value for key, value in spec.items() if key != "questions"}
        if Survey.objects.filter(title=fields["title"], audience=fields["audience"]).exists():
            continue
        survey = Survey.objects.create(status="active", anonymous=True, **fields)
        Question.objects.bulk_create(
            Question(survey=survey, position=position, **question)
            for position, question in enumerate(spec["questions"], start=1)
        )


def remove_unused_starter_surveys(apps, schema_editor):
    """Going back removes the starter surveys that were never sent."""
    Survey = apps.get_model("surveys", "Survey")
    for spec in STARTER_SURVEYS:
        Survey.objects.filter(title=spec["title"], audience=spec["audience"], rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_roles")]

    operations = [migrations.RunPython(create_starter_surveys, remove_unused_starter_surveys)]
