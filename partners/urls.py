from django.urls import path

from .views import bulk, contacts, follow_ups, interactions, merging, mistakes, organizations, support

app_name = "partners"
urlpatterns = [
    path("", organizations.OrganizationList.as_view(), name="organization_list"),
    path("new/", organizations.OrganizationCreate.as_view(), name="organization_create"),
    path("ticked/", bulk.organization_bulk, name="organization_bulk"),
    path("<int:pk>/", organizations.OrganizationDetail.as_view(), name="organization_detail"),
    path("<int:pk>/edit/", organizations.OrganizationEdit.as_view(), name="organization_edit"),
    path("<int:organization_pk>/contacts/new/", contacts.ContactCreate.as_view(), name="contact_create"),
    path("contacts/", contacts.ContactList.as_view(), name="contact_list"),
    path("contacts/<int:pk>/", contacts.ContactDetail.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.ContactEdit.as_view(), name="contact_edit"),
    path("interactions/", interactions.InteractionList.as_view(), name="interaction_list"),
    path("interactions/new/", interactions.start_interaction, name="interaction_start"),
    path(
        "<int:organization_pk>/interactions/new/",
        interactions.InteractionCreate.as_view(),
        name="interaction_create",
    ),
    path("interactions/<int:pk>/", interactions.InteractionDetail.as_view(), name="interaction_detail"),
    path("interactions/<int:pk>/edit/", interactions.InteractionEdit.as_view(), name="interaction_edit"),
    path("requests/", support.SupportRequestList.as_view(), name="request_list"),
    path("<int:organization_pk>/requests/new/", support.SupportRequestCreate.as_view(), name="request_create"),
    path("requests/<int:pk>/", support.SupportRequestDetail.as_view(), name="request_detail"),
    path("requests/<int:pk>/edit/", support.SupportRequestEdit.as_view(), name="request_edit"),
    path("deliveries/", support.SupportDeliveryList.as_view(), name="delivery_list"),
    path("<int:organization_pk>/deliveries/new/", support.SupportDeliveryCreate.as_view(), name="delivery_create"),
    path("deliveries/<int:pk>/edit/", support.SupportDeliveryEdit.as_view(), name="delivery_edit"),
    path("follow-ups/<int:pk>/done/", follow_ups.follow_up_done, name="follow_up_done"),
    path("follow-ups/<int:pk>/snooze/", follow_ups.follow_up_snooze, name="follow_up_snooze"),
    path("follow-ups/<int:pk>/reassign/", follow_ups.follow_up_reassign, name="follow_up_reassign"),
    path("follow-ups/calendar/", follow_ups.calendar_feed, name="calendar_feed"),
    path("follow-ups/calendar/<str:token>.ics", follow_ups.follow_up_calendar_view, name="follow_up_calendar"),
    # Fixing mistakes: delete (undoable for a while) and merge duplicates.
    path("<int:pk>/delete/", mistakes.delete_record, {"kind": "organization"}, name="organization_delete"),
    path("contacts/<int:pk>/delete/", mistakes.delete_record, {"kind": "contact"}, name="contact_delete"),
    path("interactions/<int:pk>/delete/", mistakes.delete_record, {"kind": "interaction"}, name="interaction_delete"),
    path("requests/<int:pk>/delete/", mistakes.delete_record, {"kind": "request"}, name="request_delete"),
    path("deliveries/<int:pk>/delete/", mistakes.delete_record, {"kind": "delivery"}, name="delivery_delete"),
    path("deleted/<int:pk>/", mistakes.deletion_undo, name="deletion_undo"),
    path("<int:pk>/merge/", merging.organization_merge, name="organization_merge"),
    path("contacts/<int:pk>/merge/", merging.contact_merge, name="contact_merge"),
]
