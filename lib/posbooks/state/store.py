"""The state store: one SQLite database in WAL mode under ``POSBOOKS_HOME``.

The Streamlit app and a cron-driven CLI may write at the same time: WAL lets readers run
beside one writer, ``BEGIN IMMEDIATE`` takes the write lock up front (so a transaction
never fails half-way on lock upgrade) and ``busy_timeout`` makes a second writer wait.

Schema changes are named migrations applied once, in list order, recorded in
``schema_migrations``. To add tables, APPEND an entry to ``MIGRATIONS``; never edit or
reorder an entry that has shipped.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks.core.errors import WorkbenchError

if TYPE_CHECKING:
    from posbooks.state.config import Config

BUSY_TIMEOUT_SECONDS = 30.0
DB_NAME = "posbooks.db"

# (name, SQL script). Append only.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_connection",
        """
        -- OAuth `state` values handed out with an authorization URL: single use, expiring.
        CREATE TABLE oauth_state (
            state TEXT PRIMARY KEY,
            redirect_uri TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        );
        -- The one QuickBooks company this home is connected to. tokens = Fernet blob.
        CREATE TABLE qbo_connection (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            environment TEXT NOT NULL,
            realm_id TEXT NOT NULL,
            company_name TEXT,
            tokens BLOB,
            access_expires_at TEXT,
            refresh_obtained_at TEXT,
            refresh_expires_at TEXT,
            reconnect_needed INTEGER NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            connected_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        -- The company's lists and preferences as last fetched (posbooks.qbo.settings).
        CREATE TABLE qbo_settings (
            realm_id TEXT PRIMARY KEY,
            fetched_at TEXT NOT NULL,
            settings TEXT NOT NULL
        );
        -- Recent API calls per realm, so processes sharing a home share the rate limit.
        CREATE TABLE qbo_call_log (
            realm_id TEXT NOT NULL,
            at REAL NOT NULL,
            is_batch INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX qbo_call_log_realm_at ON qbo_call_log (realm_id, at);
        """,
    ),
    (
        "0002_mapping_and_posting",
        """
        -- Every saved mapping (posbooks.drafts.mapping); the current one has the highest version.
        CREATE TABLE mapping_version (
            version INTEGER PRIMARY KEY AUTOINCREMENT,
            saved_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            mapping TEXT NOT NULL
        );
        -- One row per QuickBooks document posbooks sends (posbooks.posting.ledger).
        CREATE TABLE posting_ledger (
            realm_id TEXT NOT NULL,
            business_date TEXT NOT NULL,
            outlet TEXT NOT NULL,
            doc_type TEXT NOT NULL,
            doc_key TEXT NOT NULL DEFAULT '',
            doc_number TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            mapping_version INTEGER NOT NULL,
            request_id TEXT,
            generation INTEGER NOT NULL DEFAULT 0,
            qbo_id TEXT,
            sync_token TEXT,
            status TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            payload TEXT,
            reply TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            posted_at TEXT,
            PRIMARY KEY (realm_id, business_date, outlet, doc_type, doc_key)
        );
        CREATE INDEX posting_ledger_doc_number ON posting_ledger (realm_id, doc_number);
        -- Who is sending a document right now: one owner per document, with a lease.
        CREATE TABLE posting_claim (
            realm_id TEXT NOT NULL,
            doc_number TEXT NOT NULL,
            owner TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            expires_at REAL NOT NULL,
            PRIMARY KEY (realm_id, doc_number)
        );
        """,
    ),
    (
        "0003_posting_batch",
        """
        -- The batch a document was last sent in: a re-run resends that same batch (same
        -- requestid) so a reply lost mid-batch is replayed, never created twice.
        ALTER TABLE posting_ledger ADD COLUMN batch_request_id TEXT;
        ALTER TABLE posting_ledger ADD COLUMN batch_members TEXT;
        """,
    ),
    (
        "0004_reconcile_acceptance",
        """
        -- A difference the bookkeeper accepted as is (posbooks.reconcile.gather): who, when, why,
        -- tied to a fingerprint of the three sources so a later change shows up again.
        CREATE TABLE reconcile_acceptance (
            realm_id TEXT NOT NULL,
            business_date TEXT NOT NULL,
            outlet TEXT NOT NULL,
            doc_type TEXT NOT NULL,
            doc_key TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            accepted_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            accepted_at TEXT NOT NULL,
            PRIMARY KEY (realm_id, business_date, outlet, doc_type, doc_key, fingerprint)
        );
        """,
    ),
    (
        "0005_doc_codes",
        """
        -- The code of each outlet and payment method in DocNumbers (posbooks.core.docnumbers):
        -- assigned once, unique per kind, so two documents can never share a DocNumber.
        CREATE TABLE doc_code (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            code TEXT NOT NULL,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (kind, name),
            UNIQUE (kind, code)
        );
        -- Outlets whose names began alike could share a DocNumber (3 letters + a 10-bit
        -- hash), and the ledger then held two documents under one number, both "posted"
        -- to one QuickBooks document. The first row keeps the number; every later one is
        -- set aside as failed, with its number freed (suffix ~rowid), so its outlet gets a
        -- code of its own and the next send creates its document under its own number.
        UPDATE posting_ledger
        SET status = 'failed',
            message = 'Its DocNumber ' || doc_number || ' was shared with another outlet''s '
                || 'document, which QuickBooks holds under that number. posbooks gave this '
                || 'outlet its own code: send this day again.',
            qbo_id = NULL, sync_token = NULL, posted_at = NULL,
            doc_number = doc_number || '~' || rowid
        WHERE rowid NOT IN (
            SELECT min(rowid) FROM posting_ledger GROUP BY realm_id, doc_number
        );
        DROP INDEX posting_ledger_doc_number;
        -- One row per DocNumber and company, enforced.
        CREATE UNIQUE INDEX posting_ledger_doc_number ON posting_ledger (realm_id, doc_number);
        """,
    ),
    (
        "0006_source_profile",
        """
        -- How POS exports are read (posbooks.drafts.source_profile): the preset forced, if
        -- any, and its options (tax code, day-first dates, cutoff hour, clearing method ...).
        -- Every save is a new version; the current one has the highest version.
        CREATE TABLE source_profile (
            version INTEGER PRIMARY KEY AUTOINCREMENT,
            saved_at TEXT NOT NULL,
            profile TEXT NOT NULL
        );
        """,
    ),
]


class StoreError(WorkbenchError):
    """The state database cannot be opened, read or written; the message is one sentence
    naming the file and what to do (issue 16.7: no "database is locked" traceback)."""


def plain_store_error(path: Path, exc: sqlite3.Error) -> StoreError | None:
    """The bookkeeper's sentence for a failure of the database file or its disk, or None for
    an error of posbooks' own (a constraint, a bad statement), which stays as it is."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if path.is_dir():
        return StoreError(
            f"{path} is a folder, but posbooks keeps its state database there: move that "
            "folder away, then try again."
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(
            f"The state database {path} stayed locked by another posbooks (the app or a "
            f"command) for {BUSY_TIMEOUT_SECONDS:.0f} s: let it finish, then try again; "
            "nothing was saved."
        )
    if (
        name.startswith("SQLITE_CORRUPT")
        or name == "SQLITE_NOTADB"
        or "malformed" in text
        or ("not a database" in text)
    ):
        return StoreError(
            f"The state database {path} is damaged (not a readable SQLite database): move it "
            "aside and put back a backup copy (or let posbooks start a new, empty one there)."
        )
    if name == "SQLITE_FULL" or "disk is full" in text:
        return StoreError(
            f"The disk holding the state database {path} is full: free some space, then try "
            "again; nothing was saved."
        )
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return StoreError(
            f"The state database {path} could not be read or written (a disk I/O error): check "
            "the disk and the file, then try again; nothing was saved."
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")) or (
        "unable to open" in text or "readonly" in text
    ):
        return StoreError(
            f"The state database {path} cannot be opened for writing: check that its folder "
            "exists and that you may write to it and to the file."
        )
    return None


@contextmanager
def _plain_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        plain = plain_store_error(path, exc)
        if plain is None:
            raise
        raise plain from None


def utc_now() -> datetime:
    """The current time in UTC (the store writes ISO-8601 UTC text)."""
    return datetime.now(UTC)


def _statements(script: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                yield buf
            buf = ""
    if buf.strip(" \n\t;"):
        yield buf


class Store:
    """The SQLite state database at ``home/"posbooks.db"``, migrated on open.

    Each ``transaction()`` / ``read()`` uses its own connection, so a Store can be
    shared by threads (Streamlit sessions, a thread pool) without locking in Python.
    """

    def __init__(self, home: Path):
        self.home = Path(home)
        ensure_private_home(self.home)
        self.path = self.home / DB_NAME
        if not self.path.exists():  # 0600 before SQLite writes a byte; its -wal/-shm follow it
            with _plain_errors(self.path):
                try:
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
                except IsADirectoryError:
                    pass  # reported below, as "a folder"
                except OSError as exc:
                    raise StoreError(
                        f"Cannot create the state database {self.path}: {exc.strerror}."
                    ) from None
        with _plain_errors(self.path):
            first = self._connect()
            try:
                first.execute("PRAGMA journal_mode=WAL")  # persistent: once per database file
            finally:
                first.close()
            self._migrate()
            # An idle connection that has read the database keeps the WAL open: without it
            # every transaction's close would checkpoint and delete the WAL (~20 ms, not ~1).
            self._keeper = self._connect()
            self._keeper.execute("SELECT count(*) FROM schema_migrations").fetchone()

    def close(self) -> None:
        """Release the store's idle connection (transactions open their own)."""
        self._keeper.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise plain_store_error(self.path, exc) or StoreError(
                f"Cannot open the state database {self.path}: {exc}"
            ) from None
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed on exit, rolled back on error.

        ``durable=False`` skips the fsync at commit (WAL stays consistent; a power cut may
        lose the last commits): for bookkeeping of our own, like the API call log.
        """
        conn = self._connect()
        try:
            with _plain_errors(self.path):
                if not durable:
                    conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only snapshot: every query inside sees the same committed state."""
        conn = self._connect()
        try:
            with _plain_errors(self.path):
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
        finally:
            conn.close()

    def applied_migrations(self) -> list[str]:
        """Names of the migrations applied to this database, in order."""
        with self.read() as conn:
            rows = conn.execute("SELECT name FROM schema_migrations ORDER BY rowid").fetchall()
        return [r["name"] for r in rows]

    def _migrate(self) -> None:
        # Under the write lock, so two processes opening a new home migrate it once.
        with self.transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
            for name, script in MIGRATIONS:
                if name in done:
                    continue
                try:
                    for statement in _statements(script):
                        conn.execute(statement)
                except sqlite3.Error as exc:
                    raise StoreError(f"{self.path}: migration {name} failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, utc_now().isoformat()),
                )


def ensure_private_home(home: Path) -> None:
    """Create ``home`` readable by its owner only (0700): it holds tokens, the key, the
    ledger, uploaded sales and logs. A folder that exists already is left as it is."""
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the posbooks home {home}: {exc.strerror}. Set POSBOOKS_HOME to a "
            "folder you may write to."
        ) from None


def open_store(config: Config) -> Store:
    """The state store of ``config.home``, created and migrated when needed."""
    return Store(config.home)
