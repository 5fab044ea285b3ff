"""The staff console and the complainant pages, used as a browser without scripts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from iso10002.clock import FixedClock
from iso10002.communications import complainant_actor
from iso10002.errors import AccessDenied, ValidationError
from iso10002.handler import Actor
from iso10002.model import ComplaintForm
from iso10002.repositories import Query
from iso10002.serialization import from_dict
from iso10002.web import CSP, create_app

PASSWORD = "correct horse battery"


def token(page) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(desk, name="agent:1", password=PASSWORD):
    form = desk.get("/login")
    return desk.post(
        "/login", data={"csrf": token(form), "name": name, "password": password}
    )


def submit_complaint(desk, **values):
    form = desk.get("/complain")
    key = re.search(r'name="key" value="([^"]+)"', form.text).group(1)
    data = {
        "csrf": token(form),
        "key": key,
        "name": "Sam Taylor",
        "email": "sam@example.org",
        "preferred_contact": "email",
        "description": "Charged twice for March.",
        **values,
    }
    return desk.post("/complain", data=data)


def status_link(done) -> str:
    return re.search(
        r'id="status-link" href="https://testserver([^"]+)"', done.text
    ).group(1)


class TestSignIn:
    def test_a_right_password_signs_in_and_sets_a_secure_session_cookie(self, desk):
        """Sign-in redirects to the queue; the cookie is Secure, HttpOnly, SameSite."""
        response = sign_in(desk)
        assert response.status_code == 303
        assert response.headers["location"] == "/desk"
        cookie = response.headers["set-cookie"].lower()
        assert "secure" in cookie
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert desk.get("/desk").status_code == 200

    def test_a_wrong_password_is_refused(self, desk):
        """A wrong password is 401 and the queue stays closed."""
        assert sign_in(desk, password="wrong password!").status_code == 401
        assert desk.get("/desk").headers["location"] == "/login"

    def test_an_unknown_user_is_refused_the_same_way(self, desk):
        """An unknown name gets the same answer as a wrong password."""
        response = sign_in(desk, name="mallory")
        assert response.status_code == 401
        assert "Wrong name or password." in response.text

    def test_sign_in_without_the_csrf_token_is_refused(self, desk):
        """A login form posted from elsewhere (no token) is 403."""
        response = desk.post("/login", data={"name": "agent:1", "password": PASSWORD})
        assert response.status_code == 403

    def test_attempts_are_rate_limited(self, desk):
        """The sixth attempt in a minute is 429, even with the right password."""
        for _ in range(5):
            sign_in(desk, password="wrong password!")
        assert sign_in(desk).status_code == 429

    def test_sign_out_ends_the_session(self, desk):
        """After sign-out the queue asks to sign in again."""
        sign_in(desk)
        page = desk.get("/desk")
        desk.post("/logout", data={"csrf": token(page)})
        assert desk.get("/desk").status_code == 303


class TestHeaders:
    @pytest.mark.parametrize("path", ["/complain", "/login", "/api/openapi.json"])
    def test_every_response_has_the_security_headers(self, desk, path):
        """CSP without scripts, no framing, no referrer, no sniffing, HSTS."""
        headers = desk.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "script-src" not in CSP
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        assert "max-age" in headers["strict-transport-security"]

    def test_pages_have_no_inline_script_or_remote_resource(self, desk):
        """No <script>, no style attribute, nothing from another origin."""
        sign_in(desk)
        submit_complaint(desk)
        for path in ["/complain", "/desk", "/login"]:
            html = desk.get(path).text
            assert "<script" not in html
            assert "style=" not in html
            assert "http://" not in html
            assert "//cdn" not in html

    def test_a_short_secret_is_refused(self, handler):
        """The signing key must be long."""

        with pytest.raises(ValidationError):
            create_app(handler, secret_key="short")


class TestQueueAndCase:
    def test_queue_orders_by_deadline_and_marks_breached_ones(self, desk, handler, kit):
        """A complaint whose acknowledgement is overdue comes first with a badge."""

        old = FixedClock(datetime(2020, 1, 6, 9, tzinfo=timezone.utc))
        # a complaint received years ago, never acknowledged
        late = kit.make_handler(handler.repository, clock=old)

        form = from_dict(ComplaintForm, kit.FORM)
        ancient = late.receive(
            form, actor=Actor("system", roles={"system"}), channel="email"
        ).id
        late.shutdown()
        submit_complaint(desk)
        sign_in(desk)
        html = desk.get("/desk").text
        rows = re.findall(r'href="/desk/complaints/(\w+)"', html)
        assert rows[0] == ancient
        assert len(rows) == 2
        assert html.count('class="badge breached"') == 1

    def test_case_page_offers_the_steps_allowed_now_and_takes_them(self, desk):
        """Acknowledge, then assess through the generated form."""
        submit_complaint(desk)
        sign_in(desk)
        queue = desk.get("/desk").text
        cid = re.search(r'href="/desk/complaints/(\w+)"', queue).group(1)
        page = desk.get(f"/desk/complaints/{cid}")
        assert 'id="take-acknowledge"' in page.text
        assert 'id="take-close"' not in page.text
        assert "Charged twice for March." in page.text
        done = desk.post(
            f"/desk/complaints/{cid}/steps/acknowledge",
            data={"csrf": token(page), "version": "1"},
        )
        assert done.status_code == 303
        page = desk.get(f"/desk/complaints/{cid}")
        assert "Acknowledge: done." in page.text
        assert 'name="category"' in page.text
        assert 'name="severity"' in page.text
        desk.post(
            f"/desk/complaints/{cid}/steps/assess",
            data={
                "csrf": token(page),
                "category": "billing",
                "severity": "high",
                "tags": "refund, march",
            },
        )
        page = desk.get(f"/desk/complaints/{cid}")
        assert "billing · High severity" in page.text

    def test_a_refused_step_is_explained_in_words(self, desk):
        """Assessing without a category says which field is missing."""
        submit_complaint(desk)
        sign_in(desk)
        cid = re.search(r'href="/desk/complaints/(\w+)"', desk.get("/desk").text).group(
            1
        )
        page = desk.get(f"/desk/complaints/{cid}")
        desk.post(
            f"/desk/complaints/{cid}/steps/acknowledge", data={"csrf": token(page)}
        )
        desk.post(f"/desk/complaints/{cid}/steps/assess", data={"csrf": token(page)})
        page = desk.get(f"/desk/complaints/{cid}")
        assert "That step was not taken" in page.text
        assert "Category: is required by step" in page.text

    def test_a_stale_form_is_refused(self, desk):
        """A form for version 1 after another change does not step the complaint."""
        submit_complaint(desk)
        sign_in(desk)
        cid = re.search(r'href="/desk/complaints/(\w+)"', desk.get("/desk").text).group(
            1
        )
        page = desk.get(f"/desk/complaints/{cid}")
        desk.post(
            f"/desk/complaints/{cid}/steps/acknowledge",
            data={"csrf": token(page), "version": "1"},
        )
        desk.post(
            f"/desk/complaints/{cid}/steps/assign",
            data={"csrf": token(page), "version": "1", "assignee": "agent:1"},
        )
        page = desk.get(f"/desk/complaints/{cid}")
        assert "changed since you read it" in page.text

    def test_a_step_without_csrf_is_refused(self, desk):
        """A cross-site post does not step the complaint."""
        submit_complaint(desk)
        sign_in(desk)
        cid = re.search(r'href="/desk/complaints/(\w+)"', desk.get("/desk").text).group(
            1
        )
        desk.post(f"/desk/complaints/{cid}/steps/acknowledge", data={})
        assert 'id="take-acknowledge"' in desk.get(f"/desk/complaints/{cid}").text

    def test_an_auditor_sees_no_personal_data_and_no_steps(self, desk):
        """The auditor's case page is redacted and offers nothing."""
        submit_complaint(desk)
        sign_in(desk, name="auditor:1")
        cid = re.search(r'href="/desk/complaints/(\w+)"', desk.get("/desk").text).group(
            1
        )
        page = desk.get(f"/desk/complaints/{cid}").text
        assert "sam@example.org" not in page
        assert "Charged twice" not in page
        assert "None: nothing is waiting for you" in page

    def test_a_handler_cannot_open_a_colleagues_complaint(self, desk, handler):
        """complaints-handler sees only complaints assigned to them or nobody."""
        submit_complaint(desk)
        cid = next(iter(handler.repository.find(Query()).items)).id
        handler.assign(
            cid,
            actor=Actor("m", roles={"complaints-manager"}),
            assignee="agent:9",
        )
        sign_in(desk)
        assert desk.get(f"/desk/complaints/{cid}").status_code == 403
        assert cid not in desk.get("/desk").text


class TestComplainant:
    def test_intake_gives_a_status_link_that_shows_progress(self, desk):
        """The public form records the complaint; the link shows its state."""
        done = submit_complaint(desk)
        assert done.status_code == 200
        page = desk.get(status_link(done))
        assert page.status_code == 200
        assert "Received" in page.text
        assert "Acknowledge: due in" in page.text

    def test_intake_errors_are_listed_and_values_kept(self, desk):
        """A missing description is named; what was typed is kept."""
        page = submit_complaint(desk, description="", email="not-an-email")
        assert page.status_code == 422
        assert "Please check" in page.text
        assert 'value="Sam Taylor"' in page.text

    def test_a_double_submission_records_one_complaint(self, desk, handler):
        """The same form sent twice (same key) is one complaint with one link."""
        form = desk.get("/complain")
        key = re.search(r'name="key" value="([^"]+)"', form.text).group(1)
        data = {
            "csrf": token(form),
            "key": key,
            "description": "Twice.",
            "email": "a@example.org",
        }
        first = desk.post("/complain", data=data)
        second = desk.post("/complain", data=data)
        assert status_link(first) == status_link(second)

        assert len(handler.repository.find(Query()).items) == 1

    def test_intake_is_rate_limited(self, handler, kit):
        """The 21st complaint from one address within the hour is 429."""
        app = create_app(handler, secret_key=kit.SECRET, intakes_per_hour=2)
        with kit.TestClient(app, base_url="https://testserver") as client:
            assert submit_complaint(client).status_code == 200
            assert submit_complaint(client).status_code == 200
            assert submit_complaint(client).status_code == 429

    def test_a_tampered_link_is_refused(self, desk):
        """Changing one character of the token gives the 'does not work' page."""
        link = status_link(submit_complaint(desk))
        bad = link[:-2] + ("A" if link[-2] != "A" else "B") + link[-1]
        assert desk.get(bad).status_code == 404

    def test_an_expired_link_is_refused(self, handler, kit):
        """A link older than link_max_age no longer opens."""
        app = create_app(
            handler, secret_key=kit.SECRET, link_max_age=timedelta(seconds=-1)
        )
        with kit.TestClient(app, base_url="https://testserver") as client:
            link = status_link(submit_complaint(client))
            assert client.get(link).status_code == 404

    def test_a_link_never_opens_another_complaint(self, desk, handler):
        """The complainant of one complaint cannot act on another with their link."""
        link = status_link(submit_complaint(desk))
        other = status_link(submit_complaint(desk, email="b@example.org"))
        token_a = link.rsplit("/", 1)[1]
        page = desk.get(link)

        ids = [c.id for c in handler.repository.find(Query()).items]
        with pytest.raises(AccessDenied):
            handler.get(ids[1], actor=complainant_actor(ids[0]))
        # Posting a step for complaint A's token only ever reaches complaint A.
        desk.post(f"/status/{token_a}/steps/withdraw", data={"csrf": token(page)})
        assert "Withdrawn" in desk.get(link).text
        assert "Withdrawn" not in desk.get(other).text

    def test_the_complainant_sees_the_decision_and_gives_feedback(
        self, desk, handler, kit
    ):
        """After the decision is communicated the link shows it and takes a rating."""
        link = status_link(submit_complaint(desk))

        cid = handler.repository.find(Query()).items[0].id
        manager = Actor("manager:1", roles={"complaints-manager"})
        handler.acknowledge(cid, actor=manager)
        handler.assess(cid, actor=manager, category="billing")
        handler.assign(cid, actor=manager, assignee="agent:1")
        handler.investigate(cid, actor=manager)
        handler.decide(
            cid,
            actor=manager,
            outcome="upheld",
            summary="We refunded you.",
            reasons="You were charged twice.",
            escalation_route="The ombudsman, within six months.",
        )
        page = desk.get(link)
        assert "We refunded you." not in page.text  # decided, not yet told
        handler.communicate_decision(cid, actor=manager)
        page = desk.get(link)
        assert "We refunded you." in page.text
        assert 'name="satisfaction.score"' in page.text
        assert 'name="satisfaction.received_at"' not in page.text
        desk.post(
            link + "/steps/record_satisfaction",
            data={
                "csrf": token(page),
                "satisfaction.score": "4",
                "satisfaction.comment": "Quick.",
            },
        )
        page = desk.get(link)
        assert "You rated our handling 4 out of 5" in page.text
        stored = handler.get(cid, actor=manager)
        assert stored.satisfaction.comment == "Quick."
        assert stored.history[-1].actor == f"complainant:{cid}"

    def test_the_complainant_never_sees_staff_notes(self, desk, handler):
        """A staff note on a step stays out of the complainant's view."""
        link = status_link(submit_complaint(desk))

        cid = handler.repository.find(Query()).items[0].id
        handler.fire(
            cid,
            "acknowledge",
            actor=Actor("m", roles={"complaints-manager"}),
            reason="Customer sounds difficult.",
        )
        seen = handler.get(cid, actor=complainant_actor(cid))
        assert all(n.text != "Customer sounds difficult." for n in seen.notes)
        assert "difficult" not in desk.get(link).text


class TestReview:
    def test_a_manager_gets_the_review_pack_with_its_audit(self, desk, kit):
        """The management review opens for a manager, with no personal data."""
        submit_complaint(desk)
        sign_in(desk, name="manager:1")
        assert "Management review" in desk.get("/desk").text
        response = desk.get("/desk/review")
        assert response.status_code == 200
        assert "<script" not in response.text
        assert "sam@example.org" not in response.text
        assert "script-src" not in response.headers["content-security-policy"]
        assert "default-src 'none'" in response.headers["content-security-policy"]

    def test_a_handler_may_not_open_it(self, desk):
        """complaints-handler may not export: no link, and 403."""
        sign_in(desk)
        assert "Management review" not in desk.get("/desk").text
        assert desk.get("/desk/review").status_code == 403


def test_the_complainant_replies_when_asked_for_information(desk, handler):
    """A request for information is answered through the link; the clock restarts."""
    link = status_link(submit_complaint(desk))
    cid = handler.repository.find(Query()).items[0].id
    manager = Actor("manager:1", roles={"complaints-manager"})
    handler.acknowledge(cid, actor=manager)
    handler.assess(cid, actor=manager, category="billing")
    handler.request_information(cid, actor=manager)
    page = desk.get(link)
    assert 'id="take-information_received"' in page.text
    assert 'id="take-close"' not in page.text
    desk.post(
        link + "/steps/information_received",
        data={"csrf": token(page), "reason": "My account number is AC-7Q."},
    )
    stored = handler.get(cid, actor=manager)
    assert stored.status == "investigating"
    assert stored.notes[-1].text == "My account number is AC-7Q."
    # A mark no timestamp or digest in the event can contain (digits could:
    # "1234" failed once, as a time of day or microseconds in a ``met_at``).
    assert "AC-7Q" not in str(stored.history[-1].data)


def test_a_decision_with_a_remedy_through_the_console(desk, handler):
    """The decide form takes one remedy: kind, description, amount, currency."""
    submit_complaint(desk)
    cid = handler.repository.find(Query()).items[0].id
    manager = Actor("manager:1", roles={"complaints-manager"})
    handler.acknowledge(cid, actor=manager)
    handler.assess(cid, actor=manager, category="billing")
    handler.assign(cid, actor=manager, assignee="agent:1")
    handler.investigate(cid, actor=manager)
    sign_in(desk, name="manager:1")
    page = desk.get(f"/desk/complaints/{cid}")
    assert 'name="remedies[0].kind"' in page.text
    assert "Remedies: amount" in page.text
    desk.post(
        f"/desk/complaints/{cid}/steps/decide",
        data={
            "csrf": token(page),
            "outcome": "upheld",
            "summary": "Refunded.",
            "reasons": "We took the payment twice.",
            "escalation_route": "The ombudsman, within six months.",
            "remedies[0].kind": "refund",
            "remedies[0].amount": "25.00",
            "remedies[0].currency": "GBP",
        },
    )
    decided = handler.get(cid, actor=manager)
    assert decided.status == "decided", desk.get(f"/desk/complaints/{cid}").text
    assert [(r.kind.value, str(r.amount)) for r in decided.decision.remedies] == [
        ("refund", "25.00")
    ]
    page = desk.get(f"/desk/complaints/{cid}")
    assert 'name="remedies[0].kind"' not in page.text
    assert 'name="via"' in page.text
    desk.post(
        f"/desk/complaints/{cid}/steps/communicate_decision",
        data={"csrf": token(page), "via": "post"},
    )
    told = handler.get(cid, actor=manager)
    assert told.status == "decision_communicated"
    assert told.decision.communicated_via.value == "post"
    assert told.decision.remedies == decided.decision.remedies
