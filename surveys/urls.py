from django.urls import path

from .views import builder, privacy, recipients, releases, respond, results, round_controls, rounds

app_name = "surveys"
urlpatterns = [
    # Staff: building and scheduling surveys.
    path("surveys/", builder.survey_list, name="survey_list"),
    path("surveys/new/", builder.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", builder.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", builder.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/status/", builder.survey_status, name="survey_status"),
    path("surveys/<int:pk>/preview/", builder.survey_preview, name="survey_preview"),
    path("surveys/<int:pk>/questions/new/", builder.question_create, name="question_create"),
    path("surveys/questions/<int:pk>/edit/", builder.question_edit, name="question_edit"),
    path("surveys/questions/<int:pk>/move/", builder.question_move, name="question_move"),
    path("surveys/questions/<int:pk>/delete/", builder.question_delete, name="question_delete"),
    path("surveys/<int:pk>/schedule/", builder.schedule_edit, name="schedule_edit"),
    # Staff: rounds and results.
    path("surveys/<int:pk>/rounds/new/", round_controls.round_open, name="round_open"),
    path("surveys/rounds/<int:pk>/close/", round_controls.round_close, name="round_close"),
    path("surveys/rounds/<int:pk>/extend/", round_controls.round_extend, name="round_extend"),
    path("surveys/rounds/<int:pk>/remind/", round_controls.round_remind, name="round_remind"),
    path("surveys/rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("surveys/rounds/<int:pk>/progress/", rounds.round_progress, name="round_progress"),
    path("surveys/rounds/<int:pk>/unknown/", rounds.round_unknown, name="round_unknown"),
    path("surveys/rounds/<int:pk>/poster/", rounds.round_poster, name="round_poster"),
    path("surveys/rounds/<int:pk>/loop/", rounds.loop_item_create, name="loop_item_create"),
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.csv", results.survey_results_csv, name="survey_results_csv"),
    path("surveys/compare/", results.mirrored_questions, name="mirrored_questions"),
    path("surveys/privacy/", privacy.privacy_rule, name="privacy_rule"),
    path("surveys/<int:pk>/pool/", releases.pool_rounds, name="pool_rounds"),
    path("surveys/units/<int:pk>/", releases.unit_review, name="unit_review"),
    path("surveys/units/<int:pk>/release/", releases.unit_release, name="unit_release"),
    # Staff: people who receive surveys.
    path("surveys/recipients/", recipients.recipient_list, name="recipient_list"),
    path("surveys/recipients/new/", recipients.recipient_create, name="recipient_create"),
    path("surveys/recipients/<int:pk>/edit/", recipients.recipient_edit, name="recipient_edit"),
    path("surveys/recipients/import/", recipients.recipient_import, name="recipient_import"),
    # Respondents: no account.
    path("s/thanks/", respond.thanks, name="thanks"),
    path("s/shared/<str:token>/", respond.respond_shared, name="respond_shared"),
    path("s/<str:token>/", respond.respond, name="respond"),
    path("s/<str:token>/opt-out/", respond.opt_out, name="opt_out"),
    path("s/<str:token>/unsubscribe/", respond.one_click_opt_out, name="one_click_opt_out"),
]
