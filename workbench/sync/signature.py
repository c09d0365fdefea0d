"""Bundles signed for a team, and the check that takes only the team's.

A database in a team (`workbench team`) signs every bundle it writes: the
header names the team and carries an HMAC of its other fields (which hold
the body's sha256, so the changes are covered too). It imports only
bundles signed for its team with its key; one in no team takes only
unsigned ones, as before teams existed. See workbench.domain.team.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.team import Team
from workbench.i18n import tr
from workbench.sync.bundle import Header
from workbench.sync.reader import BundleError


def signed(header: dict[str, Any], team: Team | None) -> dict[str, Any]:
    """The header to write: in a team, with the team's id and signature."""
    if team is None:
        return header
    header = header | {"team": team.id}
    return header | {"hmac": team.sign(header)}


def check_team(header: Header, team: Team | None) -> None:
    """Refuse a bundle this database's team did not sign (BundleError)."""
    if header.team is None and team is None:
        return
    if team is None:
        raise BundleError(
            tr(
                "is signed for team {team}, and this database is in no team: join "
                "it (`workbench team join {team}`) to take its bundles",
                team=header.team,
            )
        )
    if header.team is None:
        raise BundleError(
            tr(
                "is not signed: it was written in no team, and only team {team}'s "
                "bundles are taken here (its writer joins with `workbench team "
                "join {team}`)",
                team=team.id,
            )
        )
    if header.team != team.id:
        raise BundleError(
            tr(
                "is from another team ({theirs}); this database is in team {ours}",
                theirs=header.team,
                ours=team.id,
            )
        )
    if header.hmac is None or not team.signed(header.as_written, header.hmac):
        raise BundleError(
            tr(
                "has a bad signature: it was changed after it was written, or "
                "signed with another passphrase than team {team}'s",
                team=team.id,
            )
        )
