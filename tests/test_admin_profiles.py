"""The profiles admin: the list (columns, search, filters, bounded queries), the detail
page with its role edit, and the deactivate / reactivate actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from usersync.admin.actions import sessions_ended_message
from usersync.models import AdminAuditLog, UserProfile

pytestmark = pytest.mark.django_db

LIST = reverse("admin:usersync_userprofile_changelist")
SSO = "sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"


def change_url(profile: UserProfile) -> str:
    return reverse("admin:usersync_userprofile_change", args=[profile.pk])


def profile(user) -> UserProfile:
    return UserProfile.objects.get(user_id=user.pk)


def listed_emails(response) -> set[str]:
    return {row.user.email for row in response.context["cl"].result_list}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def own_auth_user(auth_user_factory):
    """admin_client's superuser (admin@example.com) as a Supabase user, an active admin."""
    user = auth_user_factory(email="admin@example.com")
    UserProfile.objects.filter(user_id=user.pk).update(role="admin")
    return user


def test_profile_list__shows_auth_facts_beside_profile_fields(admin_client, auth_user_factory):
    signed_in = timezone.now()
    auth_user_factory(email="gina@example.com", provider="google", last_sign_in_at=signed_in)
    auth_user_factory(email=None, phone="15550001111", provider="phone")
    response = admin_client.get(LIST)
    assert response.status_code == 200
    text = response.content.decode()
    headers = ("user (e-mail or phone)", "provider", "role", "active", "deactivated at", "reason")
    for header in (*headers, "last sign-in"):
        assert f">{header}<" in text.lower() or f">{header}</a>" in text.lower()
    assert "gina@example.com" in text and "google" in text and "+15550001111" in text
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize("term", ["GINA@", "+1555000", "{user_id}", "{profile_id}"])
def test_profile_list__searches_email_phone_and_exact_ids(admin_client, auth_user_factory, term):
    gina = auth_user_factory(email="gina@example.com", phone="15550001111")
    auth_user_factory(email="other@example.com", phone="15559999999")
    term = term.format(user_id=gina.pk, profile_id=profile(gina).pk)
    response = admin_client.get(LIST, {"q": term})
    assert listed_emails(response) == {"gina@example.com"}


def test_profile_list__filters_by_role_active_sso_provider_and_never_signed_in(
    admin_client, auth_user_factory
):
    auth_user_factory(email="admin1@example.com")
    auth_user_factory(email="google@example.com", provider="google", last_sign_in_at=timezone.now())
    auth_user_factory(email="saml@example.com", provider=SSO, last_sign_in_at=timezone.now())
    auth_user_factory(email="gone@example.com")
    UserProfile.objects.filter(user__email="admin1@example.com").update(role="admin")
    UserProfile.objects.filter(user__email="gone@example.com").update(is_active=False)
    cases = {
        "role=admin": {"admin1@example.com"},
        "is_active__exact=0": {"gone@example.com"},
        "sso_provider=google": {"google@example.com"},
        f"sso_provider={SSO}": {"saml@example.com"},
        "sso_provider=-": {"admin1@example.com", "gone@example.com"},
        "signed_in=never": {"admin1@example.com", "gone@example.com"},
        "signed_in=never&is_active__exact=1": {"admin1@example.com"},
    }
    for query, expected in cases.items():
        response = admin_client.get(f"{LIST}?{query}")
        assert listed_emails(response) == expected, query
    specs = response.context["cl"].filter_specs
    assert [spec.title for spec in specs] == [
        "role",
        "active",
        "deactivated at",
        "deactivation reason",
        "SSO provider",
        "sign-in",
    ]
    assert [value for value, _ in specs[4].lookup_choices] == ["-", "google", SSO]


def test_profile_list__queries_are_few_and_independent_of_the_number_of_rows(
    admin_client, auth_user_factory, django_assert_max_num_queries
):
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(LIST, {"signed_in": "never"}).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    for _ in range(5):
        auth_user_factory(provider="google")
    with_5 = queries()
    for _ in range(45):
        auth_user_factory(provider="github")
    with_50 = queries()
    assert len(with_5) == len(with_50)
    with django_assert_max_num_queries(6):
        admin_client.get(LIST)
    # Filtered: one exact count of the filtered rows, never a second full-table count.
    assert sum("count(*)" in q.lower() for q in with_50) == 1


def test_profile_list__unfiltered_on_a_large_table_uses_the_catalog_estimate(
    admin_client, auth_user_factory
):
    auth_user_factory()
    with connection.cursor() as cursor:  # what ANALYZE would record at two million rows
        cursor.execute(
            "UPDATE pg_class SET reltuples = 2000000 WHERE oid = 'public.user_profiles'::regclass"
        )
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(LIST)
    assert response.context["cl"].result_count == 2_000_000
    assert not any("count(*)" in q["sql"].lower() for q in captured.captured_queries)
    filtered = admin_client.get(LIST, {"role": "user"})
    assert filtered.context["cl"].result_count == 1


def test_profile_detail__shows_auth_facts_read_only_and_the_role_as_a_choice(
    admin_client, auth_user_factory
):
    user = auth_user_factory(email="gina@example.com", provider="github")
    response = admin_client.get(change_url(profile(user)))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.fields) == ["role", "reason"]
    assert form.fields["role"].choices == [("user", "user"), ("admin", "admin")]
    text = response.content.decode()
    assert "Supabase auth user (read-only)" in text
    assert str(user.pk) in text and "gina@example.com" in text and "github" in text
    assert f"?user_id={user.pk}" in text  # the link to the user's audit entries
    assert "None" not in text  # empty auth facts show as "-", like the list's


def test_profile_detail__role_change_is_audited_with_old_and_new_value(
    admin_client, auth_user_factory, own_auth_user
):
    user = auth_user_factory(email="gina@example.com")
    response = admin_client.post(
        change_url(profile(user)), {"role": "admin", "reason": "team lead"}, follow=True
    )
    assert response.status_code == 200
    assert profile(user).role == "admin"
    entry = AdminAuditLog.objects.get()
    assert (
        entry.actor,
        entry.actor_user_id,
        entry.action,
        entry.target_user_id,
        entry.old_values,
        entry.new_values,
        entry.reason,
        entry.details,
    ) == (
        "admin:admin",
        own_auth_user.pk,
        "role_changed",
        user.pk,
        {"role": "user"},
        {"role": "admin"},
        "team lead",
        {"email": "gina@example.com"},
    )


def test_profile_detail__refuses_demoting_the_last_admin_with_a_message(
    admin_client, auth_user_factory
):
    last_admin = auth_user_factory()
    UserProfile.objects.filter(user_id=last_admin.pk).update(role="admin")
    url = change_url(profile(last_admin))
    response = admin_client.post(url, {"role": "user"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert messages_of(response) == [
        f"The role was not changed: cannot take the admin role from {last_admin.email}: "
        f"theirs is the last active admin profile; make another user an admin first"
    ]
    assert profile(last_admin).role == "admin"
    assert not AdminAuditLog.objects.exists()


def test_profile_detail__refuses_changing_ones_own_role_with_a_message(
    admin_client, own_auth_user, make_admin
):
    make_admin()
    url = change_url(profile(own_auth_user))
    response = admin_client.post(url, {"role": "user"}, follow=True)
    assert messages_of(response) == [
        f"The role was not changed: you cannot change your own role (user {own_auth_user.pk})"
    ]
    assert profile(own_auth_user).role == "admin"


def test_profile_admin__cannot_add_or_delete_profiles(admin_client, auth_user_factory):
    user = auth_user_factory()
    assert admin_client.get(reverse("admin:usersync_userprofile_add")).status_code == 403
    delete = reverse("admin:usersync_userprofile_delete", args=[profile(user).pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    actions = dict(admin_client.get(LIST).context["action_form"].fields["action"].choices)
    assert set(actions) == {
        "",
        "deactivate_selected",
        "reactivate_selected",
        "change_role_selected",
    }


def deactivate(client, *users, **extra):
    data = {
        "action": "deactivate_selected",
        "_selected_action": [profile(u).pk for u in users],
        **extra,
    }
    return client.post(LIST, data, follow=bool(extra.get("post")))


def test_deactivate_action__asks_for_a_reason_on_a_confirmation_page(
    admin_client, auth_user_factory, own_auth_user
):
    bob = auth_user_factory(email="bob@example.com")
    response = deactivate(admin_client, bob, own_auth_user)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/usersync/userprofile/deactivate_confirmation.html"
    text = response.content.decode()
    assert "Deactivate these 2 profiles?" in text
    assert "bob@example.com" in text and "your own profile: will be refused" in text
    assert 'name="reason"' in text and 'name="post" value="yes"' in text
    assert "as done by <strong>admin:admin</strong>" in text
    assert profile(bob).is_active is True
    assert not AdminAuditLog.objects.exists()


def test_deactivate_action__without_a_reason_shows_the_page_again(admin_client, auth_user_factory):
    bob = auth_user_factory()
    response = deactivate(admin_client, bob, post="yes", reason="  ")
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert profile(bob).is_active is True


def test_deactivate_action__deactivates_with_the_reason_and_audits_it(
    admin_client, auth_user_factory, own_auth_user
):
    bob = auth_user_factory(email="bob@example.com")
    response = deactivate(admin_client, bob, post="yes", reason="chargeback fraud")
    assert messages_of(response) == [
        "Deactivated 1: bob@example.com",
        sessions_ended_message(0),
    ]
    row = profile(bob)
    assert (row.is_active, row.deactivated_by_id, row.deactivation_reason) == (
        False,
        own_auth_user.pk,
        "chargeback fraud",
    )
    assert row.deactivated_at is not None
    entry = AdminAuditLog.objects.get()
    assert (entry.actor, entry.actor_user_id, entry.action, entry.target_user_id, entry.reason) == (
        "admin:admin",
        own_auth_user.pk,
        "deactivated",
        bob.pk,
        "chargeback fraud",
    )
    assert entry.new_values["is_active"] is False
    assert entry.new_values["deactivated_by"] == str(own_auth_user.pk)


def test_deactivate_action__refuses_own_profile_and_the_last_admin_with_clear_messages(
    admin_client, auth_user_factory, own_auth_user
):
    other_admin = auth_user_factory(email="root@example.com")
    UserProfile.objects.filter(user_id=other_admin.pk).update(role="admin")
    bob = auth_user_factory(email="bob@example.com")
    deactivate(admin_client, bob, post="yes", reason="first")
    response = deactivate(admin_client, own_auth_user, bob, other_admin, post="yes", reason="x")
    assert sorted(messages_of(response)) == sorted(
        [
            f"admin@example.com: you cannot deactivate your own profile (user {own_auth_user.pk})",
            "bob@example.com is already inactive",
            "Deactivated 1: root@example.com",
            sessions_ended_message(0),
        ]
    )
    UserProfile.objects.filter(user_id=own_auth_user.pk).update(is_active=False)
    UserProfile.objects.filter(user_id=other_admin.pk).update(is_active=True)
    response = deactivate(admin_client, other_admin, post="yes", reason="x")
    assert messages_of(response) == [
        "cannot deactivate root@example.com: theirs is the last "
        "active admin profile; make another user an admin first"
    ]
    assert profile(other_admin).is_active is True


def test_reactivate_action__clears_the_deactivation_and_audits_it(admin_client, auth_user_factory):
    bob = auth_user_factory(email="bob@example.com")
    deactivate(admin_client, bob, post="yes", reason="spam")
    selected = {"action": "reactivate_selected", "_selected_action": [profile(bob).pk]}
    response = admin_client.post(LIST, selected)
    assert response.status_code == 200 and profile(bob).is_active is False  # asks first
    assert "Reactivate this profile?" in response.content.decode()
    response = admin_client.post(LIST, {**selected, "post": "yes", "reason": ""})
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    response = admin_client.post(
        LIST, {**selected, "post": "yes", "reason": "appeal accepted"}, follow=True
    )
    assert messages_of(response) == ["Reactivated 1: bob@example.com"]
    assert AdminAuditLog.objects.latest("id").reason == "appeal accepted"
    row = profile(bob)
    assert (row.is_active, row.deactivated_at, row.deactivation_reason) == (True, None, None)
    assert list(AdminAuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "deactivated",
        "reactivated",
    ]


def test_view_only_staff__sees_profiles_but_cannot_deactivate_or_edit(
    view_only_client, auth_user_factory
):
    bob = auth_user_factory(email="bob@example.com")
    response = view_only_client.get(LIST)
    assert response.status_code == 200 and "bob@<wbr>example.<wbr>com" in response.content.decode()
    assert response.context["action_form"] is None  # no action they may run
    response = deactivate(view_only_client, bob, post="yes", reason="x")
    assert profile(bob).is_active is True
    response = view_only_client.post(change_url(profile(bob)), {"role": "admin"})
    assert response.status_code == 403
    assert profile(bob).role == "user"
    assert not AdminAuditLog.objects.exists()
