"""Which forum accounts are members: one rule for every read path (admin list, Data Explorer, webhooks).

The admin user list and the Data Explorer's ``users`` table hold every account
(`lib/admin_user_index_query.rb` filters nothing for "active"), including ones
that are nobody: the system user (id -1), discobot (id -2) and other negative
ids, staged accounts (created by mail-in or invites, never signed up),
accounts never activated, and accounts anonymized by `UserAnonymizer`
(their e-mail becomes ``<username>@anonymized.invalid``).
"""

from __future__ import annotations

from sync.records import ForumUser

ANONYMIZED_EMAIL_DOMAIN = "@anonymized.invalid"


def is_anonymized(user: ForumUser) -> bool:
    """Tell whether Discourse anonymized this account (its e-mail is on the reserved .invalid domain)."""
    return bool(user.email) and str(user.email).lower().endswith(ANONYMIZED_EMAIL_DOMAIN)


def is_member_account(user: ForumUser) -> bool:
    """Return True for a real, activated person: positive id, not staged, activated, not anonymized."""
    if user.id <= 0 or user.staged or is_anonymized(user):
        return False
    # A user payload that does not say (webhooks) is not proof of a never-activated account.
    return user.active or not user.active_known
