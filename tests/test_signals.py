"""usersync.signals: each sent once the change's transaction commits on usersync's
database, with user_id, actor and reason; never for a rolled-back change; a receiver
that raises is logged and undoes nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.dispatch import Signal

import usersync
from tests.factories import AuthUserFactory
from tests.tokens import bearer, make_token
from usersync import signals
from usersync.access.accounts import ON_DEMAND_ACTOR
from usersync.conf import conf
from usersync.logs.audit import Actor
from usersync.models import UserProfile
from usersync.sync.backfill import SyncResult

pytestmark = pytest.mark.django_db(transaction=True)
STAFF = Actor("admin:alice")


@dataclass
class Heard:
    """What the receivers heard: (signal name, kwargs without `signal`)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for heard, kwargs in self.calls if heard == name]


@pytest.fixture
def heard() -> Iterator[Heard]:
    record = Heard()
    receivers = {}
    for name, signal in signals.ALL.items():

        def receiver(sender: Any, name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal")
            record.calls.append((name, kwargs | {"sender": sender}))

        receivers[name] = receiver
        signal.connect(receiver, weak=False, dispatch_uid=f"test-{name}")
    yield record
    for name, signal in signals.ALL.items():
        signal.disconnect(dispatch_uid=f"test-{name}")


def test_profile_created__sent_by_create_profile_with_actor_and_user(heard):
    user = AuthUserFactory(with_profile=False)
    usersync.create_profile(user.pk, actor="command:create_profile")
    assert heard.of("profile_created") == [
        {
            "sender": UserProfile,
            "user_id": user.pk,
            "actor": "command:create_profile",
            "actor_user_id": None,
            "reason": None,
        }
    ]


def test_profile_created__sent_when_a_profile_is_made_on_sign_in(heard, client, settings):
    settings.ROOT_URLCONF = "tests.urls"
    user = AuthUserFactory(with_profile=False)
    response = client.get("/app/whoami", headers=bearer(make_token(user.pk)))
    assert response.status_code == 200
    (sent,) = heard.of("profile_created")
    assert (sent["user_id"], sent["actor"], sent["actor_user_id"]) == (
        user.pk,
        ON_DEMAND_ACTOR,
        user.pk,
    )


def test_profile_created__sent_for_each_profile_a_sync_makes_and_sync_finished_after(heard):
    missing = {AuthUserFactory(with_profile=False).pk for _ in range(3)}
    AuthUserFactory()  # has one: no signal
    result = usersync.sync_users(actor="command:sync_users")
    created = heard.of("profile_created")
    assert {sent["user_id"] for sent in created} == missing
    assert {sent["actor"] for sent in created} == {"command:sync_users"}
    assert {sent["reason"] for sent in created} == {f"made by sync run {result.run_id}"}
    (finished,) = heard.of("sync_finished")
    assert finished["result"] is result and finished["result"].created == 3
    assert (finished["sender"], finished["succeeded"], finished["error"]) == (
        SyncResult,
        True,
        None,
    )
    assert heard.calls[-1][0] == "sync_finished"


def test_sync_finished__sent_when_a_sync_fails_too(heard):
    AuthUserFactory(with_profile=False)

    def fail(batch: Any) -> None:
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        usersync.sync_users(progress=fail, actor="command:sync_users")
    (finished,) = heard.of("sync_finished")
    assert finished["succeeded"] is False
    assert isinstance(finished["error"], RuntimeError)
    assert finished["reason"] == "the disk is full"
    assert finished["result"].batches  # as far as it got: the batch had committed


def test_role_changed__sent_with_old_and_new_role(heard):
    user = AuthUserFactory()
    usersync.change_role(user.pk, "admin", actor=STAFF, reason="runs the team")
    assert heard.of("role_changed") == [
        {
            "sender": UserProfile,
            "user_id": user.pk,
            "actor": "admin:alice",
            "actor_user_id": None,
            "reason": "runs the team",
            "old_role": "user",
            "new_role": "admin",
        }
    ]


def test_profile_deactivated_and_reactivated__sent_with_the_reason(heard):
    user = AuthUserFactory()
    usersync.deactivate(user.pk, actor=STAFF, reason="left the company")
    usersync.reactivate(user.pk, actor=STAFF, reason="came back")
    assert [(name, kwargs["user_id"], kwargs["reason"]) for name, kwargs in heard.calls] == [
        ("profile_deactivated", user.pk, "left the company"),
        ("profile_reactivated", user.pk, "came back"),
    ]


def test_signals__sent_only_once_the_enclosing_transaction_commits(heard):
    user = AuthUserFactory()
    with transaction.atomic(using=conf.DATABASE):
        usersync.deactivate(user.pk, actor=STAFF, reason="left")
        assert heard.calls == []  # not committed yet
    assert [name for name, _ in heard.calls] == ["profile_deactivated"]


def test_signals__never_sent_for_a_change_rolled_back(heard):
    user = AuthUserFactory()
    other = AuthUserFactory(with_profile=False)
    with pytest.raises(ZeroDivisionError), transaction.atomic(using=conf.DATABASE):
        usersync.deactivate(user.pk, actor=STAFF, reason="left")
        usersync.create_profile(other.pk, actor="command:create_profile")
        1 / 0  # noqa: B018
    assert heard.calls == []
    assert UserProfile.objects.get(user_id=user.pk).is_active is True


def test_signals__a_raising_receiver_is_logged_and_undoes_nothing(heard, caplog):
    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("mail server down")

    signal: Signal = signals.profile_deactivated
    signal.connect(broken, weak=False, dispatch_uid="test-broken")
    user = AuthUserFactory()
    try:
        with caplog.at_level(logging.ERROR, logger="usersync.signals"):
            change = usersync.deactivate(user.pk, actor=STAFF, reason="left")
    finally:
        signal.disconnect(dispatch_uid="test-broken")
    assert change.action == "deactivated"
    assert UserProfile.objects.get(user_id=user.pk).is_active is False
    assert [name for name, _ in heard.calls] == ["profile_deactivated"]  # the others ran
    (record,) = [r for r in caplog.records if r.name == "usersync.signals"]
    assert "profile_deactivated" in record.getMessage()
    assert "mail server down" in record.getMessage()
    assert record.exc_info is not None


def test_signals__nothing_is_scheduled_without_receivers():
    user = AuthUserFactory()
    with transaction.atomic(using=conf.DATABASE):
        usersync.deactivate(user.pk, actor=STAFF, reason="left")
        connection = transaction.get_connection(conf.DATABASE)
        scheduled = [f for _, f, _ in connection.run_on_commit]
        assert [f for f in scheduled if f.__module__ == "usersync.signals"] == []


def test_signals__user_ids_are_uuids(heard):
    user = AuthUserFactory(with_profile=False)
    usersync.sync_users(actor="command:sync_users")
    (sent,) = heard.of("profile_created")
    assert isinstance(sent["user_id"], uuid.UUID) and sent["user_id"] == user.pk
