"""Roles on subject patterns, and the decisions `Access` makes from them."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry import errors
from registry.auth import Access, Grant, Principal, Role
from registry.auth.permissions import REMEMBERED_ROLES


def access(*grants: Grant) -> Access:
    return Access(Principal("someone", grants))


def test_the_highest_role_whose_pattern_covers_the_subject_counts() -> None:
    caller = access(Grant(Role.READER, ("*",)), Grant(Role.WRITER, ("orders-*", "payments-value")))
    assert caller.role_for("orders-value") is Role.WRITER
    assert caller.role_for("payments-value") is Role.WRITER
    assert caller.role_for("payments-key") is Role.READER
    assert caller.reads_everything


def test_patterns_are_case_sensitive_globs() -> None:
    caller = access(Grant(Role.READER, ("orders-?",)))
    assert caller.can_read("orders-1")
    assert not caller.can_read("orders-12")
    assert not caller.can_read("ORDERS-1")
    assert caller.readable(["orders-1", "users", "orders-2"]) == ["orders-1", "orders-2"]


GLOB_TEXT = st.text(alphabet="ab-.*?[]!/\n", max_size=8)


@given(patterns=st.lists(GLOB_TEXT, max_size=4), subject=GLOB_TEXT)
def test_a_grant_covers_exactly_what_fnmatchcase_matches(patterns: list[str], subject: str) -> None:
    # A grant compiles its patterns into one expression; it must read them as fnmatch does, one by one.
    grant = Grant(Role.READER, tuple(patterns))
    assert grant.covers(subject) == any(fnmatchcase(subject, pattern) for pattern in patterns)


def test_no_read_looks_like_absence_and_read_without_the_role_is_forbidden() -> None:
    caller = access(Grant(Role.READER, ("orders-*",)))
    with pytest.raises(errors.SubjectNotFoundError) as absent:
        caller.require(Role.READER, "payments")
    assert absent.value.error_code == 40401
    with pytest.raises(errors.ForbiddenError) as forbidden:
        caller.require(Role.WRITER, "orders-value")
    assert forbidden.value.error_code == 40301
    assert "writer role on subject 'orders-value'" in forbidden.value.message
    caller.require(Role.READER, "orders-value")


def test_registry_wide_operations_need_a_grant_on_every_subject() -> None:
    subject_admin = access(Grant(Role.ADMIN, ("orders-*",)), Grant(Role.READER, ("*",)))
    with pytest.raises(errors.ForbiddenError, match=r"admin role on the whole registry"):
        subject_admin.require_registry(Role.ADMIN)
    subject_admin.require_somewhere(Role.ADMIN)
    assert subject_admin.can_administer("orders-x")
    assert not subject_admin.can_administer(None)
    access(Grant(Role.ADMIN)).require_registry(Role.ADMIN)


def test_a_principal_without_grants_may_do_nothing() -> None:
    caller = access()
    assert not caller.reads_everything
    assert not caller.can_read("anything")
    with pytest.raises(errors.ForbiddenError):
        caller.require_somewhere(Role.READER)


def test_remembered_roles_stay_right_and_bounded() -> None:
    """One Access serves every request of its caller and remembers roles per subject: the remembered
    answers are the ones the grants give, for more subjects than it remembers at once."""
    access = Access(Principal("team", (Grant(Role.WRITER, ("orders-*",)), Grant(Role.READER, ("shared-*",)))))
    subjects = [f"{prefix}-{n}" for n in range(REMEMBERED_ROLES + 50) for prefix in ("orders", "shared", "x")]
    expected = {"orders": Role.WRITER, "shared": Role.READER, "x": None}
    for _ in range(2):
        assert [access.role_for(subject) for subject in subjects] == [
            expected[subject.split("-")[0]] for subject in subjects
        ]
        assert len(access._roles) <= REMEMBERED_ROLES
