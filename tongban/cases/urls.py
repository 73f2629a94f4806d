from django.urls import URLPattern, URLResolver, path

from tongban.cases import bundle_views, clock_views, counter_views, staff_views, views

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("services/<str:code>/apply/", views.apply, name="apply"),
    path("bundles/<slug:code>/apply/", bundle_views.bundle_apply, name="bundle_apply"),
    path("cases/", views.mine, name="mine"),
    path("cases/corrections/", views.corrections, name="corrections"),
    path("cases/<uuid:case_id>/", views.detail, name="detail"),
    path("cases/<uuid:case_id>/step/<int:number>/", views.step, name="step"),
    path("cases/<uuid:case_id>/materials/", views.materials, name="materials"),
    path(
        "cases/<uuid:case_id>/materials/<uuid:row_id>/", views.material_file, name="material_file"
    ),
    path("cases/<uuid:case_id>/review/", views.review, name="review"),
    path("cases/<uuid:case_id>/receipt/", views.receipt, name="receipt"),
    path("cases/<uuid:case_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("cases/<uuid:case_id>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<uuid:case_id>/flag/<slug:key>/", views.flag, name="flag"),
    path("cases/<uuid:case_id>/supplement/", clock_views.supplement, name="supplement"),
    path("cases/<uuid:case_id>/urge/", clock_views.urge, name="urge"),
    path(
        "cases/staff/tasks/<uuid:task_id>/supplement/",
        clock_views.staff_supplement,
        name="staff_supplement",
    ),
    path("cases/staff/tasks/<uuid:task_id>/clock/", clock_views.staff_clock, name="staff_clock"),
    path("cases/staff/supervision/", clock_views.supervision, name="supervision"),
    path("cases/staff/supervision/act/", clock_views.supervision_act, name="supervision_act"),
    # The staff side: inbox, task pages, decisions, notices.
    path("cases/staff/", staff_views.staff_inbox, name="staff_inbox"),
    path("cases/staff/tasks/<uuid:task_id>/", staff_views.staff_task, name="staff_task"),
    path("cases/staff/tasks/<uuid:task_id>/decide/", staff_views.staff_decide, name="staff_decide"),
    path(
        "cases/staff/tasks/<uuid:task_id>/comment/",
        staff_views.staff_comment,
        name="staff_comment",
    ),
    path(
        "cases/staff/tasks/<uuid:task_id>/diagram/",
        staff_views.staff_diagram,
        name="staff_diagram",
    ),
    path(
        "cases/staff/tasks/<uuid:task_id>/materials/<uuid:row_id>/<int:page>/",
        staff_views.staff_material_page,
        name="staff_material_page",
    ),
    path(
        "cases/staff/tasks/<uuid:task_id>/notices/<uuid:notice_id>/",
        staff_views.staff_notice,
        name="staff_notice",
    ),
    path(
        "cases/<uuid:case_id>/notices/<uuid:notice_id>/",
        staff_views.notice_pdf,
        name="notice_pdf",
    ),
    path("cases/notices/verify/", staff_views.notice_verify, name="notice_verify"),
    # One-window intake (一窗受理) and delivery.
    path("cases/<uuid:case_id>/delivery/", counter_views.delivery_choose, name="delivery"),
    path("cases/<uuid:case_id>/liveness/", counter_views.liveness, name="liveness"),
    path("cases/counter/", counter_views.counter_start, name="counter_start"),
    path("cases/counter/<uuid:case_id>/", counter_views.counter_case, name="counter_case"),
    path(
        "cases/counter/<uuid:case_id>/upload/",
        counter_views.counter_upload,
        name="counter_upload",
    ),
    path(
        "cases/counter/<uuid:case_id>/submit/",
        counter_views.counter_submit,
        name="counter_submit",
    ),
    path(
        "cases/counter/<uuid:case_id>/receipt/",
        counter_views.counter_receipt,
        name="counter_receipt",
    ),
    path(
        "cases/counter/<uuid:case_id>/receipt.pdf",
        counter_views.counter_receipt_pdf,
        name="counter_receipt_pdf",
    ),
    path("cases/staff/deliveries/", counter_views.staff_deliveries, name="staff_deliveries"),
    path(
        "cases/staff/deliveries/<uuid:delivery_id>/",
        counter_views.staff_delivery_update,
        name="staff_delivery_update",
    ),
]
