"""meetings.note (German text) becomes meetings.move_reason and move_params (a code and its data, worded when shown)

Revision ID: 0007_codes
Revises: 0006_member
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007_codes"
down_revision = "0006_member"
branch_labels = None
depends_on = None

# The German notes formation wrote until now, after "Verschoben: ", and the code each stands for.
_PLAIN_NOTES = {
    "Schulferien": "school_holiday",
    "Schließtag im Netzwerk": "closed_day",
    "vor dem ersten Termin der Runde": "before_first",
    "nicht nach dem vorigen Treffen": "order",
    "alle Gastgeber geschlossen": "host_closed",
}
_HOLIDAY = re.compile(r"^Feiertag \((?P<holiday>.*)\)$")
_CLOSURE = re.compile(r"^Schließtag einer Verwaltung \((?P<organisation>.*)\)$")
_PREFIX = "Verschoben: "
# A note that is none of the above is kept word for word under this code.
_LEGACY = "legacy_note"

meetings = sa.table(
    "meetings",
    sa.column("id", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("move_reason", sa.String),
    sa.column("move_params", sa.JSON),
)


def _code_of(note: str) -> tuple[str, dict]:
    """The code and data of a stored German note."""
    reason = note[len(_PREFIX) :] if note.startswith(_PREFIX) else None
    if reason in _PLAIN_NOTES:
        return _PLAIN_NOTES[reason], {}
    if reason is not None and (found := _HOLIDAY.match(reason)):
        return "public_holiday", {"holiday": found["holiday"]}
    if reason is not None and (found := _CLOSURE.match(reason)):
        # Formation named the organisation by its id.
        organisation = found["organisation"]
        return "closure_day", {"organisation": int(organisation) if organisation.isdigit() else organisation}
    return _LEGACY, {"text": note}


def _note_of(code: str | None, params: dict | None) -> str:
    """The German note the older code shows for a code and its data."""
    params = params or {}
    if code is None:
        return ""
    if code == _LEGACY:
        return str(params.get("text", ""))
    plain = {value: text for text, value in _PLAIN_NOTES.items()}
    if code in plain:
        return _PREFIX + plain[code]
    if code == "public_holiday":
        return f"{_PREFIX}Feiertag ({params.get('holiday', '')})"
    if code == "closure_day":
        return f"{_PREFIX}Schließtag einer Verwaltung ({params.get('organisation', '')})"
    return _PREFIX + code


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("move_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("move_params", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meetings.c.id, meetings.c.note).where(meetings.c.note != "")).all()
    for meeting_id, note in rows:
        code, params = _code_of(note)
        connection.execute(
            meetings.update().where(meetings.c.id == meeting_id).values(move_reason=code, move_params=params)
        )
    connection.execute(meetings.update().where(meetings.c.move_params.is_(None)).values(move_params={}))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("move_params", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("note")


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meetings.c.id, meetings.c.move_reason, meetings.c.move_params)).all()
    for meeting_id, code, params in rows:
        connection.execute(meetings.update().where(meetings.c.id == meeting_id).values(note=_note_of(code, params)))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("note", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("move_params")
        batch_op.drop_column("move_reason")
