"""The declared table of who may do what on every named route of the portal.

Each rule names routes, the record whose key goes in their address, the
methods they take and the roles that may use them; anything else follows:

- anonymous: sent to the sign-in page (public routes answer everyone alike);
- a role the rule does not name: 403 (`accounts.access` and each app's
  `access.py` refuse with PermissionDenied), except for the pages and files
  of a record that is not published, which answer 404 to those who may not
  read it (`reviews.visibility`: `reads_draft`);
- a permitted role: GET 200; POST 200 (the form with its errors) or 302
  (done, then the record's page: never the sign-in page);
- a method the route does not take: 405, for every signed-in role.

Django admin is for administrators (superusers) only: every other role is
sent to the admin's sign-in page, whatever its staff status.

The expected answers are written here, not asked of the access functions: a
test that asked them would prove nothing. A route of the URL configuration
that no rule names fails `tests/security/test_url_matrix.py` with its name."""

import fnmatch
from dataclasses import dataclass, field

from tests.security.conftest import ROLES

ANONYMOUS = "anonymous"
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
HQ = frozenset({"hq_officer"})
# Who edits the records of some region: headquarters and every office's staff.
EDITORS = frozenset({"hq_officer", "gao_officer", "mopti_officer", "tombouctou_head"})
# Who edits the records of one region: headquarters and the office covering it.
# (Tombouctou's head edits neither Gao's nor Mopti's.) National bodies:
# headquarters only.
REGION_EDITORS = {
    "gao": frozenset({"hq_officer", "gao_officer"}),
    "mopti": frozenset({"hq_officer", "mopti_officer"}),
    "national": HQ,
}
# Who records money: fund managers and administrators.
MONEY = frozenset({"fund_manager", "administrator"})
ADMINISTRATORS = frozenset({"administrator"})
# Who manages people (accounts.people): administrators and user managers.
PEOPLE_MANAGERS = frozenset({"administrator", "user_manager"})
# Whom they may change: a colleague, any manager; another administrator or a
# user manager, administrators only (and nobody themselves).
PERSON_CHANGERS = {
    "colleague": PEOPLE_MANAGERS,
    "administrator": ADMINISTRATORS,
    "user_manager": ADMINISTRATORS,
}
NOBODY = frozenset()

# Roles who may see the exact coordinates of a sensitive location on the
# portal's pages: the mission's staff. Partners, viewers and people without a
# role never; nor anyone in a file (see test_downloads_scope.py).
SEE_COORDINATES = frozenset(
    {"hq_officer", "gao_officer", "mopti_officer", "tombouctou_head", "fund_manager"}
)

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@dataclass(frozen=True)
class Answer:
    """What a response must be: one of `statuses`, and for a redirect where
    it must go (`to`), or where it must not (`not_to`)."""

    statuses: frozenset
    to: str | None = None
    not_to: str | None = None

    def problem(self, response) -> str | None:
        status = response.status_code
        if status not in self.statuses:
            where = f" → {response['Location']}" if status in (301, 302) else ""
            return f"{status}{where}, expected {sorted(self.statuses)}"
        location = response.get("Location", "")
        if status == 302 and self.to and not location.startswith(self.to):
            return f"302 → {location}, expected a redirect to {self.to}"
        if status == 302 and self.not_to and location.startswith(self.not_to):
            return f"302 → {location}, a refusal in disguise"
        return None


def answer(*statuses: int, to: str | None = None, not_to: str | None = None) -> Answer:
    return Answer(frozenset(statuses), to, not_to)


SHOWN = answer(200)
DONE = answer(200, 302, not_to=LOGIN)
REFUSED = answer(403)
NOT_FOUND = answer(404)
NOT_ALLOWED = answer(405)
TO_LOGIN = answer(302, to=LOGIN + "?next=")
TO_ADMIN_LOGIN = answer(302, to=ADMIN_LOGIN + "?next=")


@dataclass(frozen=True)
class Rule:
    """Routes (names, or patterns with `*`), what fills their address, and
    who may use them.

    `target` is a kind of record of the test portal (`tests/security/
    conftest.py`), taken in each of its variants (Gao's and Mopti's, and the
    national body's); `key` is the field of it the address takes, and `extra`
    what follows it. `args` instead computes the arguments from the portal.
    `allowed` is a set of roles, or a mapping variant → roles."""

    names: tuple
    allowed: frozenset | dict = NOBODY
    methods: tuple = ("GET", "POST")
    target: str | None = None
    key: str = "pk"
    extra: tuple = ()
    args: object = None
    public: bool = False
    refused: Answer = REFUSED
    anonymous: Answer = TO_LOGIN
    # Django admin checks who asks before which method: a refused role is
    # refused whatever the method.
    refused_first: bool = False
    answers: dict = field(default_factory=dict)  # method → Answer, when permitted
    # (role, method) → Answer, for the one role a route answers otherwise.
    exceptions: dict = field(default_factory=dict)

    def matches(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.names)

    def allowed_in(self, variant: str) -> frozenset:
        if isinstance(self.allowed, dict):
            return self.allowed[variant]
        return self.allowed

    def expected(self, role: str, variant: str, method: str) -> Answer:
        if (role, method) in self.exceptions:
            return self.exceptions[role, method]
        if role == ANONYMOUS and not self.public:
            return self.anonymous
        permitted = self.public or role in self.allowed_in(variant)
        if self.refused_first and not permitted:
            return self.refused
        if method not in self.methods:
            return NOT_ALLOWED
        if permitted:
            return self.answers.get(method, SHOWN if method == "GET" else DONE)
        return self.refused


def rule(*names: str, **options) -> Rule:
    return Rule(names=names, **options)


def reads(*names: str, **options) -> Rule:
    """Pages and files every signed-in person reads; they take GET only."""
    return Rule(names=names, allowed=SIGNED_IN, methods=("GET",), **options)


# Who reads a record that is not published yet (a draft plan, a draft update
# or report): headquarters and the office of its region. To anyone else it
# does not exist (404). Every state of every kind: test_visibility_by_state.py.
DRAFT_READERS = {
    "gao": frozenset({"hq_officer", "fund_manager", "administrator", "gao_officer"}),
    "mopti": frozenset({"hq_officer", "fund_manager", "administrator", "mopti_officer"}),
}


def reads_draft(*names: str, **options) -> Rule:
    """The page or file of one of the test portal's drafts; GET only."""
    return Rule(names=names, allowed=DRAFT_READERS, methods=("GET",), refused=NOT_FOUND, **options)


def _feed(portal, variant):
    token = portal.users["viewer"].calendar_token
    if variant == "":
        return [token]
    return [token, portal["body", variant].pk]


TABLE = [
    # --- Public: signing in and out, passwords, health, language, feeds -----------
    rule("login", public=True),
    # Signing out is a POST, after which everybody is on the sign-in page.
    rule("logout", public=True, methods=("POST",), answers={"POST": answer(302, to=LOGIN)}),
    rule("password_reset", public=True),
    rule("password_reset_confirm", public=True, args=lambda portal, variant: ["MQ", "x-y"]),
    rule("password_reset_done", "password_reset_complete", public=True, methods=("GET",)),
    rule("healthz", public=True, methods=("GET",)),
    # The service worker: the same script for everyone.
    rule("service_worker", public=True, methods=("GET",)),
    rule("set_language", public=True, methods=("POST",)),
    # Calendar applications cannot sign in: the secret key in the address is
    # the credential, whoever asks (every signed-in person reads every meeting).
    rule("coordination:feed", public=True, methods=("GET",), args=_feed),
    rule("coordination:body_feed", public=True, methods=("GET",), target="body", args=_feed),
    # --- Every signed-in person ------------------------------------------------------
    rule("password_change", allowed=SIGNED_IN),
    # One's own profile, and turning one's own weekly digest on or off.
    reads("profile"),
    # The drafts this device keeps offline (listed by the browser, not the server).
    reads("offline_drafts"),
    rule("profile_digest", allowed=SIGNED_IN, methods=("POST",)),
    # The link of an invitation: whoever holds it (the token is the credential).
    rule("invitation", public=True, args=lambda portal, variant: ["MQ", "x-y"]),
    # People: administrators and user managers.
    rule("people:list", allowed=PEOPLE_MANAGERS, methods=("GET",)),
    rule("people:invite", allowed=PEOPLE_MANAGERS),
    rule("people:detail", target="person", allowed=PEOPLE_MANAGERS, methods=("GET",)),
    rule(
        "people:edit",
        "people:deactivate",
        "people:reactivate",
        target="person",
        allowed=PERSON_CHANGERS,
    ),
    rule("people:invite_again", target="person", allowed=PERSON_CHANGERS, methods=("POST",)),
    # Who changed what: administrators only.
    rule("audit", "audit_csv", "audit_xlsx", allowed=ADMINISTRATORS, methods=("GET",)),
    # How punctually the offices report, and its files: headquarters and administrators.
    rule(
        "portfolio:compliance*",
        allowed=frozenset({"hq_officer", "fund_manager", "administrator"}),
        methods=("GET",),
    ),
    reads("password_change_done", "dashboard", "reviews:queue", "portfolio:glossary"),
    reads(
        "regions:list",
        "regions:plans",
        "regions:plan_export_*",
        "regions:update_export_*",
    ),
    reads("regions:detail", "regions:region_report", target="region", key="code"),
    reads_draft("regions:plan", "regions:plan_report", target="plan"),
    reads_draft("regions:plan_document", target="plan_document"),
    reads_draft("regions:update", target="update"),
    reads_draft("regions:update_attachment", target="update_attachment"),
    reads(
        "projects:list",
        "projects:export_csv",
        "projects:export_xlsx",
        "projects:export_iati",
        "projects:region_choices",
        "projects:suggest_partners",
        "projects:suggest_focal_points",
    ),
    reads("projects:detail", target="project"),
    reads("projects:document", target="project_document"),
    reads_draft("projects:indicator_report", target="indicator_report"),
    reads_draft("projects:evidence", target="evidence"),
    reads_draft("projects:progress_report", target="progress_report"),
    reads_draft("projects:report_attachment", target="report_attachment"),
    reads(
        "coordination:home",
        "coordination:organisations",
        "coordination:meetings",
        "coordination:decisions",
        "coordination:calendar",
        "coordination:organisation_export_*",
        "coordination:meeting_export_*",
        "coordination:decision_export_*",
    ),
    reads("coordination:organisation", target="organisation"),
    reads("coordination:body", target="body"),
    reads("coordination:meeting", target="meeting"),
    reads("coordination:meeting_document", target="meeting_document"),
    reads("coordination:decision", target="decision"),
    # A new secret key for one's own feeds.
    rule("coordination:calendar_reset", allowed=SIGNED_IN, methods=("POST",)),
    reads(
        "funding:list",
        "funding:contribution_list",
        "funding:contribution_export_csv",
        "funding:contribution_export_xlsx",
        "funding:rate_list",
        "funding:rate_export_csv",
        "funding:rate_export_xlsx",
    ),
    reads("funding:contribution_detail", "funding:contribution_report", target="contribution"),
    reads("funding:donor_report", "funding:donor_ledger_*", target="donor"),
    reads(
        "funding:detail",
        "funding:project_ledger_csv",
        "funding:project_ledger_xlsx",
        "funding:mechanism_report",
        target="mechanism",
        key="code",
    ),
    # --- Creating: whoever edits the records of some region --------------------------
    rule(
        "regions:plan_create",
        "projects:create",
        "coordination:body_create",
        "coordination:meeting_create",
        allowed=EDITORS,
    ),
    # --- Editing a region's records: its office and headquarters ---------------------
    rule(
        "regions:plan_edit",
        "regions:plan_send",
        "regions:priority_create",
        "regions:plan_document_upload",
        target="plan",
        allowed=REGION_EDITORS,
    ),
    rule("regions:priority_edit", target="priority", allowed=REGION_EDITORS),
    rule("regions:outcome_create", target="priority", allowed=REGION_EDITORS),
    rule(
        "regions:outcome_edit",
        "regions:outcome_target_create",
        target="outcome",
        allowed=REGION_EDITORS,
    ),
    rule("regions:outcome_target_edit", target="outcome_target", allowed=REGION_EDITORS),
    rule(
        "regions:outcome_target_delete",
        target="outcome_target",
        methods=("POST",),
        allowed=REGION_EDITORS,
    ),
    rule("regions:update_create", target="validated_plan", allowed=REGION_EDITORS),
    rule(
        "regions:update_edit",
        "regions:update_attachment_upload",
        target="update",
        allowed=REGION_EDITORS,
    ),
    rule("regions:update_submit", target="update", methods=("POST",), allowed=REGION_EDITORS),
    # An office's reports of a quarter as a workbook: the staff of an office
    # for their own, headquarters for any office (without an office in the
    # address, headquarters are sent to choose one first).
    rule("projects:workbooks", allowed=EDITORS, methods=("GET",)),
    rule(
        "projects:workbook_template",
        "projects:workbook_drafts",
        allowed=EDITORS,
        methods=("GET",),
        answers={"GET": DONE},
    ),
    rule(
        "projects:workbook_upload",
        "projects:workbook_submit",
        allowed=EDITORS,
        answers={"GET": DONE, "POST": DONE},
    ),
    rule(
        "projects:edit",
        "projects:document_upload",
        "projects:location_create",
        "projects:indicator_create",
        "projects:progress_report_create",
        # Status steps: the region's editors and headquarters' reviewers.
        "projects:status",
        target="project",
        allowed=REGION_EDITORS,
    ),
    rule(
        "projects:location_edit",
        "projects:location_delete",
        target="location",
        allowed=REGION_EDITORS,
    ),
    rule(
        "projects:indicator_edit",
        "projects:indicator_report_create",
        target="indicator",
        allowed=REGION_EDITORS,
    ),
    rule("projects:indicator_report_edit", target="indicator_report", allowed=REGION_EDITORS),
    rule("projects:target_create", target="indicator", allowed=REGION_EDITORS),
    rule("projects:target_edit", target="indicator_target", allowed=REGION_EDITORS),
    rule(
        "projects:target_delete",
        target="indicator_target",
        methods=("POST",),
        allowed=REGION_EDITORS,
    ),
    rule(
        "projects:progress_report_edit",
        "projects:report_attachment_upload",
        target="progress_report",
        allowed=REGION_EDITORS,
    ),
    rule(
        "projects:indicator_report_step",
        target="indicator_report",
        extra=("submit",),
        methods=("POST",),
        allowed=REGION_EDITORS,
    ),
    rule(
        "projects:progress_report_step",
        target="progress_report",
        extra=("submit",),
        methods=("POST",),
        allowed=REGION_EDITORS,
    ),
    # The bodies of a region, their members, meetings and decisions: its office
    # and headquarters; national bodies: headquarters.
    rule(
        "coordination:body_edit",
        "coordination:member_add",
        target="body",
        allowed=REGION_EDITORS,
    ),
    rule("coordination:member_end", target="membership", allowed=REGION_EDITORS),
    rule(
        "coordination:meeting_edit",
        "coordination:decision_add",
        "coordination:meeting_document_upload",
        target="meeting",
        allowed=REGION_EDITORS,
    ),
    rule(
        "coordination:decision_status",
        target="decision",
        methods=("POST",),
        allowed=REGION_EDITORS,
    ),
    # --- Headquarters: deciding on plans, reviewing, partners -------------------------
    rule(
        "regions:plan_back_to_draft",
        "regions:plan_validate",
        "regions:plan_archive",
        target="plan",
        allowed=HQ,
    ),
    rule(
        "regions:update_approve",
        "regions:update_return",
        target="update",
        methods=("POST",),
        allowed=HQ,
    ),
    rule(
        "projects:indicator_report_step",
        target="indicator_report",
        extra=("approve",),
        methods=("POST",),
        allowed=HQ,
    ),
    rule(
        "projects:progress_report_step",
        target="progress_report",
        extra=("return",),
        methods=("POST",),
        allowed=HQ,
    ),
    # A step that does not exist is no page at all.
    rule(
        "projects:indicator_report_step",
        target="indicator_report",
        extra=("publish",),
        methods=("POST",),
        refused=NOT_FOUND,
    ),
    rule(
        "projects:progress_report_step",
        target="progress_report",
        extra=("publish",),
        methods=("POST",),
        refused=NOT_FOUND,
    ),
    rule("coordination:organisation_create", allowed=HQ),
    rule("coordination:organisation_edit", target="organisation", allowed=HQ),
    # --- Money: fund managers and administrators -------------------------------------
    rule(
        "funding:contribution_create",
        "funding:contribution_import",
        "funding:rate_create",
        "funding:rate_import",
        allowed=MONEY,
    ),
    rule(
        "funding:contribution_import_template",
        "funding:rate_import_template",
        methods=("GET",),
        allowed=MONEY,
    ),
    rule(
        "funding:contribution_edit",
        "funding:deposit_create",
        target="contribution",
        allowed=MONEY,
    ),
    rule("funding:rate_edit", target="rate", allowed=MONEY),
    rule(
        "projects:approval_create",
        "projects:tranche_create",
        "projects:expenditure_create",
        target="project",
        allowed=MONEY,
    ),
    # A project's budget: its editors and the money people.
    rule(
        "projects:budget",
        target="project",
        allowed={variant: roles | MONEY for variant, roles in REGION_EDITORS.items()},
    ),
    # --- Open data: anyone, signed in or not, reads the published projects -----------
    # (the test portal's projects are approved and not confidential).
    rule("robots_txt", "open:projects", "open:iati", public=True, methods=("GET",)),
    rule("open:project", public=True, methods=("GET",), target="project"),
]


# --- The read API: every signed-in person reads it, scoped as the pages ----------------
# Without credentials it answers 401 (it is no page to be sent to sign in from);
# it takes no other method than GET (405), for every role.
API_ANONYMOUS = answer(401)


def _money_row(model_name: str):
    def args(portal, variant):
        from funding import models

        model = getattr(models, model_name)
        return [model.objects.filter(project=portal["project", "gao"]).first().pk]

    return args


def _own_token(portal, variant):
    from accounts.api_tokens import create_token

    token, _secret = create_token(user=portal.users["viewer"], name="matrix", days=30)
    return [token.pk]


TABLE += [
    rule("api_token_create", allowed=SIGNED_IN, methods=("POST",)),
    # One's own token only: another person's is not found.
    rule(
        "api_token_revoke",
        allowed=frozenset({"viewer"}),
        methods=("POST",),
        args=_own_token,
        refused=NOT_FOUND,
    ),
    reads("api_docs"),
    reads("api:api-root", "api:*-list", "api_schema", anonymous=API_ANONYMOUS),
    reads("api:project-detail", target="project", anonymous=API_ANONYMOUS),
    reads("api:indicator-detail", target="indicator", anonymous=API_ANONYMOUS),
    reads("api:organisation-detail", target="organisation", anonymous=API_ANONYMOUS),
    reads("api:body-detail", target="body", anonymous=API_ANONYMOUS),
    reads("api:meeting-detail", target="meeting", anonymous=API_ANONYMOUS),
    reads("api:decision-detail", target="decision", anonymous=API_ANONYMOUS),
    reads("api:contribution-detail", target="contribution", anonymous=API_ANONYMOUS),
    reads("api:mechanism-detail", target="mechanism", anonymous=API_ANONYMOUS),
    reads("api:approval-detail", args=_money_row("FundingApproval"), anonymous=API_ANONYMOUS),
    reads("api:tranche-detail", args=_money_row("Tranche"), anonymous=API_ANONYMOUS),
    reads("api:expenditure-detail", args=_money_row("Expenditure"), anonymous=API_ANONYMOUS),
    # A draft plan and its priority: as the plan's page.
    reads_draft("api:plan-detail", target="plan", anonymous=API_ANONYMOUS),
    reads_draft("api:priority-detail", target="priority", anonymous=API_ANONYMOUS),
    # A report not approved is no result, for anyone.
    rule(
        "api:result-detail",
        target="indicator_report",
        methods=("GET",),
        refused=NOT_FOUND,
        anonymous=API_ANONYMOUS,
    ),
]


# --- Two-factor sign-in (accounts/two_factor.py) ----------------------------------------
# The matrix's sessions owe no second factor (tests/conftest.py): the code step
# sends them on, the page of new recovery codes has none to show, and the
# profile's actions need a session verified by a code. Enrolment is open to
# everyone without a device; an empty code is the form's error (400).
TO_PROFILE = answer(302, to="/accounts/profile/")
TABLE += [
    rule(
        "two_factor_verify",
        allowed=SIGNED_IN,
        answers={"GET": answer(302, not_to=LOGIN), "POST": answer(302, not_to=LOGIN)},
    ),
    rule("two_factor_setup", allowed=SIGNED_IN, answers={"POST": answer(400)}),
    rule("two_factor_codes", allowed=SIGNED_IN, methods=("GET",), answers={"GET": TO_PROFILE}),
    rule(
        "two_factor_new_codes",
        "two_factor_remove",
        allowed=SIGNED_IN,
        methods=("POST",),
        answers={"POST": TO_PROFILE},
    ),
]


# --- Django admin: administrators only ------------------------------------------------

ADMIN = {
    "refused": TO_ADMIN_LOGIN,
    "anonymous": TO_ADMIN_LOGIN,
    "allowed": ADMINISTRATORS,
    "refused_first": True,
}

# Actions a model admin turns off (403 for administrators too): money is
# recorded in the portal, where its services hold the invariants; a project's
# code comes from its creation form; reviewed items and the review timeline
# are never deleted, the timeline never changed; a pledge that other amounts
# depend on is never deleted; sign-in logs are written by the portal only.
MONEY_MODELS = ["contribution", "deposit", "fundingapproval", "tranche", "expenditure"]
NO_ADD = [f"admin:funding_{model}_add" for model in MONEY_MODELS] + [
    "admin:projects_project_add",
    "admin:reviews_reviewevent_add",
    "admin:axes_accessattempt_add",
    "admin:axes_accesslog_add",
    "admin:axes_accessfailurelog_add",
    "admin:portfolio_remindersent_add",
]
VIEW_ONLY = [f"admin:funding_{model}_change" for model in MONEY_MODELS] + [
    "admin:reviews_reviewevent_change",
    "admin:portfolio_remindersent_change",
]
NO_DELETE = [
    "admin:regions_planupdate_delete",
    "admin:projects_progressreport_delete",
    "admin:projects_indicatorreport_delete",
    "admin:reviews_reviewevent_delete",
    "admin:portfolio_remindersent_delete",
    # The test portal's pledge has a deposit, its approval a tranche, its
    # tranche an expenditure: each is needed by another amount.
    "admin:funding_contribution_delete",
    "admin:funding_fundingapproval_delete",
    "admin:funding_tranche_delete",
]
ADMIN_TABLE = [
    # Its sign-in page: anyone may ask for it; an administrator already signed
    # in is sent on to the admin's index.
    rule(
        "admin:login",
        public=True,
        answers={"GET": SHOWN, "POST": SHOWN},
        exceptions={("administrator", "GET"): answer(302, to="/admin/")},
    ),
    # Signing out of admin: only who may use it; the others are sent to its
    # index (and from there to its sign-in page).
    rule(
        "admin:logout",
        methods=("POST",),
        allowed=ADMINISTRATORS,
        refused=answer(302, to="/admin/"),
        anonymous=answer(302, to="/admin/"),
        refused_first=True,
        answers={"POST": answer(302, to=LOGIN)},
    ),
    rule("admin:index", "admin:password_change", **ADMIN),
    rule("admin:app_list", args=lambda portal, variant: ["regions"], **ADMIN),
    rule("admin:password_change_done", "admin:jsi18n", methods=("GET",), **ADMIN),
    # Its search answers only with the field it is asked about.
    rule("admin:autocomplete", methods=("GET",), answers={"GET": REFUSED}, **ADMIN),
    rule("admin:view_on_site", answers={"GET": DONE, "POST": DONE}, **ADMIN),
    rule(*NO_ADD, answers={"GET": REFUSED, "POST": REFUSED}, **ADMIN),
    rule(*VIEW_ONLY, answers={"GET": SHOWN, "POST": REFUSED}, **ADMIN),
    rule(*NO_DELETE, answers={"GET": REFUSED, "POST": REFUSED}, **ADMIN),
    rule("admin:auth_user_password_change", **ADMIN),
    rule(
        "admin:*_changelist",
        "admin:*_add",
        "admin:*_change",
        "admin:*_delete",
        "admin:*_history",
        "admin:*_simple_history",
        **ADMIN,
    ),
]


# A token in Django admin: administrators see and revoke tokens; nobody adds one there.
def _admin_token(portal, variant):
    return _own_token(portal, variant)


def _admin_token_version(portal, variant):
    from accounts.models import ApiToken

    [pk] = _own_token(portal, variant)
    return [pk, ApiToken.history.filter(id=pk).first().history_id]


TABLE += [
    rule("admin:accounts_apitoken_add", answers={"GET": REFUSED, "POST": REFUSED}, **ADMIN),
    rule(
        "admin:accounts_apitoken_change",
        "admin:accounts_apitoken_delete",
        "admin:accounts_apitoken_history",
        args=_admin_token,
        **ADMIN,
    ),
    rule("admin:accounts_apitoken_simple_history", args=_admin_token_version, **ADMIN),
]


# People's two-factor devices in Django admin: administrators list and change
# them (to remove a lost one), never read their secrets or QR codes
# (OTP_ADMIN_HIDE_SENSITIVE_DATA).
def _admin_device(model_name: str):
    def args(portal, variant):
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        model = {"totpdevice": TOTPDevice, "staticdevice": StaticDevice}[model_name]
        device, _created = model.objects.get_or_create(
            user=portal.users["viewer"], name="matrix", defaults={"confirmed": True}
        )
        return [device.pk]

    return args


TABLE += [
    rule(
        f"admin:otp_{app}_{model}_change",
        f"admin:otp_{app}_{model}_delete",
        f"admin:otp_{app}_{model}_history",
        args=_admin_device(model),
        **ADMIN,
    )
    for app, model in (("totp", "totpdevice"), ("static", "staticdevice"))
]
TABLE += [
    rule(
        "admin:otp_totp_totpdevice_config",
        "admin:otp_totp_totpdevice_qrcode",
        args=_admin_device("totpdevice"),
        answers={"GET": REFUSED, "POST": REFUSED},
        **ADMIN,
    ),
]


def rules_for(name: str) -> list[Rule]:
    """The rules that declare `name`: every matching portal rule, or else the
    first matching admin rule (the specific ones come first)."""
    found = [entry for entry in TABLE if entry.matches(name)]
    if found:
        return found
    for entry in ADMIN_TABLE:
        if entry.matches(name):
            return [entry]
    return []


def declared_names() -> list[str]:
    """The names the rules give that are no pattern: each must be a route."""
    return [name for entry in TABLE + ADMIN_TABLE for name in entry.names if "*" not in name]


# --- Saved filters of the lists: each person's own --------------------------------------
def _own_saved_filter(portal, variant):
    from core.models import SavedFilter

    saved, _created = SavedFilter.objects.get_or_create(
        user=portal.users["viewer"],
        path="/projects/",
        name="matrix",
        defaults={"query": "region=1"},
    )
    return [saved.pk]


def _admin_saved_filter_version(portal, variant):
    from core.models import SavedFilter

    [pk] = _own_saved_filter(portal, variant)
    return [pk, SavedFilter.history.filter(id=pk).first().history_id]


TABLE += [
    # Anyone signed in saves the filters of a list they see (a refused list
    # shows nothing to save).
    rule("core:saved_filter_create", allowed=SIGNED_IN, methods=("POST",)),
    # One's own saved filter only: another person's is not found.
    rule(
        "core:saved_filter_delete",
        allowed=frozenset({"viewer"}),
        args=_own_saved_filter,
        refused=NOT_FOUND,
    ),
    rule(
        "admin:core_savedfilter_change",
        "admin:core_savedfilter_delete",
        "admin:core_savedfilter_history",
        args=_own_saved_filter,
        **ADMIN,
    ),
    rule("admin:core_savedfilter_simple_history", args=_admin_saved_filter_version, **ADMIN),
]
