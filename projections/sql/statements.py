"""Every statement the read side runs on the view tables, named.

`{s}` stands for the schema prefix and `?` for a parameter (`ViewStore.sql` spells them per backend);
`{p}` for the set of tables, live or aside (`on` fills it in), `{log}` and `{log_id}` for the log's table
and its notification id. Values are always bound, never formatted into the text.
"""

from __future__ import annotations

from chronicle.projections.sql.views import LIVE


def on(statement: str, prefix: str) -> str:
    """A statement on one set of view tables: `LIVE` (what readers see) or `ASIDE` (a rebuild's)."""
    return statement.replace("{p}", prefix)


def live(statement: str) -> str:
    return on(statement, LIVE)


# A development's body as recorded is its event's, read from the log by position: stored once, in the
# log (`ViewStore` hands it to readers as its JSON object). A timeline row's `current` is NULL while the
# development stands as recorded (most never change): a corrected body is stored. All need the
# timeline as `t`.
LOGGED_T = "(SELECT e.state FROM {log} e WHERE e.{log_id} = t.position)"  # the event's stored state
ORIGINAL_T = LOGGED_T + " AS original"
CURRENT_T = "t.current AS current, " + LOGGED_T + " AS logged"

# A timeline row's columns, in the order `Projector.insert_data` makes them.
TIMELINE_COLUMNS = (
    "position",
    "dev_id",
    "type",
    "occurred",
    "occ_start",
    "occ_end",
    "recorded",
    "summary",
    "current",
    "corrected_by",
    "retracted_by",
    "target",
    "entities",
    "sources",
    "reported",
)
INDEX_COLUMNS = ("entity", "position")
TIMELINE = "{s}{p}timeline"
ENTITY_INDEX = "{s}{p}entity_index"
# A timeline row as the readers take it: both bodies, and what revised it.
ROW_COLUMNS = (
    "t.position, t.dev_id, t.type, t.occurred, t.occ_start, t.occ_end, t.recorded, t.summary, "
    + ORIGINAL_T
    + ", t.current, t.corrected_by, t.retracted_by, t.target, t.reported"
)

# -- written by the projector and the rebuild (on either set of tables) ---------------------------

INSERT_INDEX = "INSERT INTO {s}{p}entity_index (entity, position) VALUES (?, ?) ON CONFLICT DO NOTHING"
UPSERT_ENTITY = (
    "INSERT INTO {s}{p}entities (entity, kind, registered, names, state, facts, "
    "last_start, last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity) DO "
    "UPDATE SET registered=excluded.registered, names=excluded.names, "
    "state=excluded.state, facts=excluded.facts, last_start=excluded.last_start, "
    "last_position=excluded.last_position"
)
REVISION_TARGET = (
    "SELECT t.position, " + CURRENT_T + ", t.corrected_by, t.entities FROM {s}{p}timeline t WHERE t.dev_id=?"
)
# A correction moves the interval and the entities, and stores the corrected body; a retraction marks the
# row and leaves its body as it stood.
CORRECT_ROW = "UPDATE {s}{p}timeline SET occ_start=?, occ_end=?, corrected_by=?, entities=?, current=? WHERE position=?"
RETRACT_ROW = (
    "UPDATE {s}{p}timeline SET occ_start=?, occ_end=?, corrected_by=?, entities=?, retracted_by=? WHERE position=?"
)
HELD_VIEW = "SELECT state, facts, last_start, last_position FROM {s}{p}entities WHERE entity=?"
INDEXED_ENTITIES = "SELECT DISTINCT entity FROM {s}{p}entity_index"
STORY_ROWS = (
    "SELECT t.position, " + CURRENT_T + ", t.current IS NOT NULL AS revised FROM {s}{p}entity_index i "
    "JOIN {s}{p}timeline t ON t.position = i.position "
    "WHERE i.entity=? AND t.retracted_by IS NULL AND t.target IS NULL "
    "ORDER BY t.occ_start, t.position"
)

# -- who and what state ----------------------------------------------------------------------------

REGISTERED = live("SELECT entity FROM {s}{p}entities WHERE entity=? AND registered=1")
REGISTERED_NAMES = live("SELECT entity, names FROM {s}{p}entities WHERE kind=? AND registered=1")
REGISTERED_STATE = live("SELECT state FROM {s}{p}entities WHERE entity=? AND registered=1")
REGISTERED_STATES = live("SELECT entity, state FROM {s}{p}entities WHERE kind=? AND registered=1 ORDER BY entity")
ENTITY_ROWS = live(
    "SELECT " + ROW_COLUMNS + " FROM {s}{p}entity_index i JOIN {s}{p}timeline t ON t.position = i.position "
    "WHERE i.entity=?"
)
# The story's span: every interval, the day-dated ones alone (what a timeline first opens on), record times.
STORY_BOUNDS = live(
    "SELECT MIN(t.occ_start) AS first, MAX(t.occ_end) AS last, "
    "MIN(CASE WHEN t.occ_start = t.occ_end THEN t.occ_start END) AS first_day, "
    "MAX(CASE WHEN t.occ_start = t.occ_end THEN t.occ_end END) AS last_day, "
    "MIN(t.recorded) AS first_recorded, MAX(t.recorded) AS last_recorded, "
    "MIN(t.reported) AS first_reported, MAX(t.reported) AS last_reported, COUNT(*) AS developments "
    "FROM {s}{p}timeline t WHERE t.retracted_by IS NULL"
)
# One development and the revisions aimed at it, in record order.
DEVELOPMENT_ROWS = live("SELECT " + ROW_COLUMNS + " FROM {s}{p}timeline t WHERE (t.dev_id=? OR t.target=?)")
# Appended to a statement over `t`: only rows reported by then, only rows this store held by then.
REPORTED_BY = " AND t.reported <= ?"
RECORDED_BY = " AND t.recorded <= ?"
DEVELOPMENT_ROW = live("SELECT " + ROW_COLUMNS + " FROM {s}{p}timeline t WHERE t.dev_id = ?")
REVISIONS_OF = live("SELECT " + ROW_COLUMNS + " FROM {s}{p}timeline t WHERE t.target IN ")  # + a list of marks
# As believed now, only the developments that had ended by `as_of` (figures count from their own `as_of`).
ENDED_BY = live(
    "SELECT t.position, " + CURRENT_T + " FROM {s}{p}entity_index i "
    "JOIN {s}{p}timeline t ON t.position = i.position "
    "WHERE i.entity=? AND t.retracted_by IS NULL AND t.target IS NULL "
    "AND (t.occ_end <= ? OR t.type = 'figure_reported')"
)
BELIEVED_NOW = live(
    "SELECT t.position, t.recorded, " + CURRENT_T + " FROM {s}{p}entity_index i "
    "JOIN {s}{p}timeline t ON t.position = i.position "
    "WHERE i.entity=? AND t.retracted_by IS NULL AND t.target IS NULL"
)

# -- which developments ----------------------------------------------------------------------------

LOG_ROWS = live("SELECT " + ROW_COLUMNS + " FROM {s}{p}timeline t")  # + joins on the index, + WHERE
LOG_STARTS = live("SELECT t.occ_start FROM {s}{p}timeline t")  # the same rows' starts alone: a density
LOG_JOIN = live(" JOIN {s}{p}entity_index i{n} ON i{n}.position = t.position AND i{n}.entity = ?")
REVISIONS = live("SELECT " + ROW_COLUMNS + " FROM {s}{p}timeline t WHERE t.target IS NOT NULL")  # + a horizon
STORY_ORDER = " ORDER BY t.occ_start, t.position"
NEVER_REVISED = " AND t.corrected_by = '[]' AND t.retracted_by IS NULL"
EVER_REVISED = " AND (t.corrected_by <> '[]' OR t.retracted_by IS NOT NULL)"
# `COALESCE(target, '') = ''`, not `target IS NULL`: nearly every row has no target, and SQLite would take
# the target index and sort the whole timeline for every page.
PLAY_PAGE = live(
    "SELECT t.position, t.recorded, " + CURRENT_T + ", t.occ_start, t.entities FROM {s}{p}timeline t "
    "WHERE t.retracted_by IS NULL AND COALESCE(t.target, '') = '' AND (t.occ_start, t.position) > (?, ?) "
    "ORDER BY t.occ_start, t.position LIMIT ?"
)

# The same pages of figures alone: a figure counts from its `as_of`, which may come before it occurred.
FIGURES_PAGE = PLAY_PAGE.replace("ORDER BY", "AND t.type = 'figure_reported' ORDER BY")

# The entities of every development an entity's index lists: those a play of that entity shows.
NEIGHBOURS = live(
    "SELECT t.entities FROM {s}{p}entity_index i JOIN {s}{p}timeline t ON t.position = i.position WHERE i.entity=?"
)

# Every development, correction and retraction with its times, in record order (for the reported play).
EVERY_ROW = live(
    "SELECT t.position, t.recorded, t.reported, " + ORIGINAL_T + " FROM {s}{p}timeline t ORDER BY t.position"
)

# -- what changed between two points, and who vouches ----------------------------------------------

RECORDED_BETWEEN = live("SELECT entities, target FROM {s}{p}timeline WHERE recorded > ? AND recorded <= ?")
REPORTED_BETWEEN = live("SELECT entities, target FROM {s}{p}timeline WHERE reported > ? AND reported <= ?")
ENTITIES_OF = live("SELECT entities FROM {s}{p}timeline WHERE dev_id IN ")  # + a list of marks
ENDED_BETWEEN = live("SELECT entities FROM {s}{p}timeline WHERE occ_end > ? AND occ_end <= ?")
REVISED_AFTER = live(
    "SELECT t.entities FROM {s}{p}timeline t WHERE t.dev_id IN "
    "(SELECT r.target FROM {s}{p}timeline r WHERE r.target IS NOT NULL AND r.recorded > ?)"
)
REVISED_REPORTED_AFTER = live(
    "SELECT t.entities FROM {s}{p}timeline t WHERE t.dev_id IN "
    "(SELECT r.target FROM {s}{p}timeline r WHERE r.target IS NOT NULL AND r.reported > ?)"
)
FIGURES = live("SELECT t.entities, " + CURRENT_T + " FROM {s}{p}timeline t WHERE t.type = 'figure_reported'")
BELIEVED_SOURCES = live(
    "SELECT dev_id, type, occurred, summary, sources, "
    "CASE WHEN corrected_by = '[]' THEN NULL ELSE current END AS corrected "
    "FROM {s}{p}timeline WHERE retracted_by IS NULL ORDER BY occ_start, position"
)


# -- what an export copies -------------------------------------------------------------------------

ORIGINALS_OF = live("SELECT t.dev_id, " + ORIGINAL_T + " FROM {s}{p}timeline t WHERE t.dev_id IN ")  # + a list of marks
ORIGINALS = live("SELECT " + ORIGINAL_T + " FROM {s}{p}timeline t WHERE TRUE")  # + a horizon, + RECORD_ORDER
RECORD_ORDER = " ORDER BY t.position"
# The record times on either side of a log position: what an export made at that position held.
RECORDED_UP_TO = live("SELECT MAX(t.recorded) AS recorded FROM {s}{p}timeline t WHERE t.position <= ?")
RECORDED_PAST = live("SELECT MIN(t.recorded) AS recorded FROM {s}{p}timeline t WHERE t.position > ?")


def marks(count: int) -> str:
    """A parenthesised list of `count` placeholders."""
    return "(" + ",".join("?" * count) + ")"
