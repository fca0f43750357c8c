"""The few queries every cached page asks are planned once per connection, and stay right.

On PostgreSQL they are prepared statements of the server session (core.prepared): a
statement must give the same answer as the query it stands for, survive a rolled-back
transaction, be prepared again on a new connection, and fail as Django's errors do.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core import prepared
from notifications import services as notifications

from .factories import NotificationFactory, UserFactory

COUNT = "SELECT COUNT(*) FROM auth_user WHERE username = %s"


@pytest.mark.django_db
def test_it_answers_as_the_query_it_stands_for():
    UserFactory(username="lan")
    assert prepared.fetch_one("test_count_users", COUNT, ["lan"]) == (1,)
    assert prepared.fetch_one("test_count_users", COUNT, ["nobody"]) == (0,)


@pytest.mark.django_db(transaction=True)
def test_a_page_asks_as_many_queries_on_a_new_connection_as_on_an_old_one():
    connection.close()
    with CaptureQueriesContext(connection) as first:
        prepared.fetch_one("test_count_users", COUNT, ["lan"])
    with CaptureQueriesContext(connection) as second:
        prepared.fetch_one("test_count_users", COUNT, ["lan"])
    assert len(first) == len(second) == 1


@pytest.mark.django_db(transaction=True)
def test_it_outlives_a_rolled_back_transaction_and_a_new_connection():
    with transaction.atomic():
        assert prepared.fetch_one("test_count_users", COUNT, ["lan"]) == (0,)
        UserFactory(username="lan")
        assert prepared.fetch_one("test_count_users", COUNT, ["lan"]) == (1,)
        transaction.set_rollback(True)
    assert prepared.fetch_one("test_count_users", COUNT, ["lan"]) == (0,)
    connection.close()
    UserFactory(username="lan")
    assert prepared.fetch_one("test_count_users", COUNT, ["lan"]) == (1,)


@pytest.mark.django_db
def test_a_broken_statement_fails_as_a_database_error_and_is_not_remembered():
    with pytest.raises(DatabaseError), transaction.atomic():
        prepared.fetch_one("test_broken", "SELECT no_such_column FROM auth_user WHERE id = %s", [1])
    with pytest.raises(DatabaseError), transaction.atomic():
        prepared.fetch_one("test_broken", "SELECT no_such_column FROM auth_user WHERE id = %s", [1])


@pytest.mark.django_db
def test_the_header_counts_unread_notices_as_they_are_written_and_read(client):
    user = UserFactory()
    other = UserFactory()
    client.force_login(user)
    assert 'class="badge count"' not in client.get("/notifications/").content.decode()
    NotificationFactory.create_batch(2, recipient=user)
    NotificationFactory(recipient=other)
    assert '<span class="badge count"' in client.get("/notifications/").content.decode()
    assert ">2</span>" in client.get("/notifications/").content.decode()
    notifications.mark_read(user)
    assert 'class="badge count"' not in client.get("/notifications/").content.decode()
