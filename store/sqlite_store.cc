#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "store/internal/codec.h"

namespace quotematch {
namespace {

// Each entry takes the schema from version i to i + 1.
constexpr const char* kMigrations[] = {
    R"sql(
    CREATE TABLE documents (
      rowid_order INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      language INTEGER NOT NULL,
      text TEXT NOT NULL,
      published INTEGER,
      source TEXT NOT NULL,
      version INTEGER NOT NULL,
      matched INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE statements (
      id TEXT PRIMARY KEY,
      document_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      language INTEGER NOT NULL,
      kind INTEGER NOT NULL,
      content TEXT NOT NULL,
      content_begin INTEGER NOT NULL, content_end INTEGER NOT NULL,
      parts TEXT NOT NULL, fragments TEXT NOT NULL,
      speaker TEXT NOT NULL, speaker_role TEXT NOT NULL, speaker_status INTEGER NOT NULL,
      speaker_begin INTEGER, speaker_end INTEGER, name_begin INTEGER, name_end INTEGER,
      cue TEXT NOT NULL, cue_lemma TEXT NOT NULL, cue_begin INTEGER, cue_end INTEGER,
      sentence_begin INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
      confidence REAL NOT NULL
    );
    CREATE INDEX statements_by_document ON statements(document_id, position);
    CREATE TABLE matches (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      english_statement TEXT NOT NULL, persian_statement TEXT NOT NULL,
      english_document TEXT NOT NULL, persian_document TEXT NOT NULL,
      score REAL NOT NULL, speaker TEXT NOT NULL, source TEXT NOT NULL, new_side INTEGER NOT NULL,
      live INTEGER NOT NULL
    );
    CREATE INDEX live_matches_by_english ON matches(english_document) WHERE live = 1;
    CREATE INDEX live_matches_by_persian ON matches(persian_document) WHERE live = 1;
    CREATE TABLE events (
      sequence INTEGER PRIMARY KEY,
      type INTEGER NOT NULL,
      match_id INTEGER NOT NULL,
      recorded INTEGER NOT NULL
    );
    )sql",
    // 2: the store order, for replicas' catch-up (DocumentsChangedAfter).
    R"sql(
    ALTER TABLE documents ADD COLUMN change_order INTEGER NOT NULL DEFAULT 0;
    UPDATE documents SET change_order = rowid_order;
    CREATE INDEX documents_by_change ON documents(change_order);
    )sql",
};
static_assert(std::size(kMigrations) == kSqliteSchemaVersion);

using store_internal::DecodeSpans;
using store_internal::EncodeSpans;
using store_internal::NowMicros;

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  template <typename T>
  Stmt& BindOptional(int i, const std::optional<T>& v) {
    return v ? Bind(i, static_cast<int64_t>(*v)) : BindNull(i);
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool Null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override { sqlite3_close(db_); }

  absl::Status Init() {
    RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
    RETURN_IF_ERROR(Exec("PRAGMA synchronous=FULL"));
    RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
    RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    int64_t version = 0;
    {
      Stmt q(db_, "SELECT version FROM schema_version");
      if (!q.ok()) return Error("reading the schema version");
      if (q.Step() == SQLITE_ROW) version = q.Int(0);
      else RETURN_IF_ERROR(Exec("INSERT INTO schema_version VALUES (0)"));
    }
    if (version > kSqliteSchemaVersion) {
      return absl::FailedPreconditionError(StrCat("store schema version ", version, " is newer than this build's ",
                                                  kSqliteSchemaVersion));
    }
    for (int64_t v = version; v < kSqliteSchemaVersion; ++v) {
      RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      absl::Status st = Exec(kMigrations[v]);
      if (st.ok()) st = Exec(StrCat("UPDATE schema_version SET version = ", v + 1));
      if (!st.ok()) {
        Exec("ROLLBACK").IgnoreError();
        return st;
      }
      RETURN_IF_ERROR(Exec("COMMIT"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<PutOutcome> PutDocument(const Document& doc, const std::vector<Statement>& statements) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto out = PutLocked(doc, statements);
    return Finish(std::move(out));
  }

  absl::StatusOr<std::vector<MatchEvent>> Record(const std::string& document_id,
                                                 const std::vector<MatchChange>& changes) override {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto out = RecordLocked(document_id, changes);
    return Finish(std::move(out));
  }

  absl::StatusOr<std::vector<MatchEvent>> EventsAfter(int64_t cursor, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt q(db_,
           "SELECT e.sequence, e.type, e.recorded, m.id, m.english_statement, m.persian_statement, "
           "m.english_document, m.persian_document, m.score, m.speaker, m.source, m.new_side "
           "FROM events e JOIN matches m ON m.id = e.match_id WHERE e.sequence > ? ORDER BY e.sequence LIMIT ?");
    if (!q.ok()) return Error("reading events");
    q.Bind(1, cursor).Bind(2, static_cast<int64_t>(limit));
    std::vector<MatchEvent> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      MatchEvent e;
      e.sequence = q.Int(0);
      e.type = static_cast<MatchEventType>(q.Int(1));
      e.recorded_unix_micros = q.Int(2);
      e.match = MatchFromRow(q, 3);
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return Error("reading events");
    return out;
  }

  absl::StatusOr<int64_t> LastSequence() override {
    std::lock_guard<std::mutex> lock(mu_);
    return Scalar("SELECT COALESCE(MAX(sequence), 0) FROM events");
  }

  absl::StatusOr<std::vector<Match>> LiveMatches() override {
    std::lock_guard<std::mutex> lock(mu_);
    return LiveOf(std::nullopt);
  }

  absl::StatusOr<std::optional<StoredDocument>> GetDocument(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt q(db_, "SELECT id, language, text, published, source, version, matched, change_order FROM documents "
                "WHERE id = ?");
    if (!q.ok()) return Error("reading a document");
    q.Bind(1, id);
    if (q.Step() != SQLITE_ROW) return std::optional<StoredDocument>();
    StoredDocument d = DocumentFromRow(q);
    ASSIGN_OR_RETURN(d.statements, StatementsOf(d.document.id));
    return std::optional<StoredDocument>(std::move(d));
  }

  absl::Status ForEachDocument(const std::function<absl::Status(StoredDocument)>& fn) override {
    std::vector<StoredDocument> page;
    int64_t after = 0;
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        Stmt q(db_,
               "SELECT id, language, text, published, source, version, matched, change_order, rowid_order "
               "FROM documents WHERE rowid_order > ? ORDER BY rowid_order LIMIT 256");
        if (!q.ok()) return Error("reading documents");
        q.Bind(1, after);
        page.clear();
        while (q.Step() == SQLITE_ROW) {
          page.push_back(DocumentFromRow(q));
          after = q.Int(8);
        }
        for (StoredDocument& d : page) {
          ASSIGN_OR_RETURN(d.statements, StatementsOf(d.document.id));
        }
      }
      if (page.empty()) return absl::OkStatus();
      for (StoredDocument& d : page) RETURN_IF_ERROR(fn(std::move(d)));
    }
  }

  absl::StatusOr<std::vector<StoredDocument>> DocumentsChangedAfter(int64_t order, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Stmt q(db_,
           "SELECT id, language, text, published, source, version, matched, change_order FROM documents "
           "WHERE change_order > ? ORDER BY change_order LIMIT ?");
    if (!q.ok()) return Error("reading documents");
    q.Bind(1, order).Bind(2, static_cast<int64_t>(limit));
    std::vector<StoredDocument> out;
    while (q.Step() == SQLITE_ROW) out.push_back(DocumentFromRow(q));
    for (StoredDocument& d : out) {
      ASSIGN_OR_RETURN(d.statements, StatementsOf(d.document.id));
    }
    return out;
  }

  absl::StatusOr<int64_t> DocumentCount() override {
    std::lock_guard<std::mutex> lock(mu_);
    return Scalar("SELECT COUNT(*) FROM documents");
  }
  absl::StatusOr<int64_t> StatementCount() override {
    std::lock_guard<std::mutex> lock(mu_);
    return Scalar("SELECT COUNT(*) FROM statements");
  }

 private:
  absl::Status Error(std::string_view what) const {
    return absl::InternalError(StrCat("store: ", what, ": ", sqlite3_errmsg(db_)));
  }

  absl::Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      const int code = sqlite3_errcode(db_);
      if (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN) {
        return absl::UnavailableError(StrCat("store: ", msg));
      }
      return absl::InternalError(StrCat("store: ", msg));
    }
    return absl::OkStatus();
  }

  template <typename T>
  absl::StatusOr<T> Finish(absl::StatusOr<T> result) {
    if (!result.ok()) {
      Exec("ROLLBACK").IgnoreError();
      return result;
    }
    RETURN_IF_ERROR(Exec("COMMIT"));
    return result;
  }

  absl::StatusOr<int64_t> Scalar(const char* sql) {
    Stmt q(db_, sql);
    if (!q.ok() || q.Step() != SQLITE_ROW) return Error(sql);
    return q.Int(0);
  }

  static Match MatchFromRow(const Stmt& q, int c) {
    Match m;
    m.id = q.Int(c);
    m.english_statement = q.Text(c + 1);
    m.persian_statement = q.Text(c + 2);
    m.english_document = q.Text(c + 3);
    m.persian_document = q.Text(c + 4);
    m.score = q.Real(c + 5);
    m.speaker = q.Text(c + 6);
    m.source = q.Text(c + 7);
    m.new_side = static_cast<Language>(q.Int(c + 8));
    return m;
  }

  static StoredDocument DocumentFromRow(const Stmt& q) {
    StoredDocument d;
    d.document.id = q.Text(0);
    d.document.language = static_cast<Language>(q.Int(1));
    d.document.text = q.Text(2);
    if (!q.Null(3)) d.document.published_unix_seconds = q.Int(3);
    d.document.source = q.Text(4);
    d.version = q.Int(5);
    d.matched = q.Int(6) != 0;
    d.order = q.Int(7);
    return d;
  }

  absl::StatusOr<std::vector<Statement>> StatementsOf(const std::string& document_id) {
    Stmt q(db_,
           "SELECT id, language, kind, content, content_begin, content_end, parts, fragments, speaker, speaker_role, "
           "speaker_status, speaker_begin, speaker_end, name_begin, name_end, cue, cue_lemma, cue_begin, cue_end, "
           "sentence_begin, sentence_end, confidence FROM statements WHERE document_id = ? ORDER BY position");
    if (!q.ok()) return Error("reading statements");
    q.Bind(1, document_id);
    std::vector<Statement> out;
    auto span = [&](int c) -> std::optional<Span> {
      if (q.Null(c)) return std::nullopt;
      return Span{static_cast<uint32_t>(q.Int(c)), static_cast<uint32_t>(q.Int(c + 1))};
    };
    while (q.Step() == SQLITE_ROW) {
      Statement s;
      s.id = q.Text(0);
      s.document_id = document_id;
      s.language = static_cast<Language>(q.Int(1));
      s.kind = static_cast<StatementKind>(q.Int(2));
      s.content = q.Text(3);
      s.content_span = *span(4);
      s.content_parts = DecodeSpans(q.Text(6));
      s.fragments = DecodeSpans(q.Text(7));
      s.speaker = q.Text(8);
      s.speaker_role = q.Text(9);
      s.speaker_status = static_cast<SpeakerStatus>(q.Int(10));
      s.speaker_span = span(11);
      s.speaker_name_span = span(13);
      s.cue = q.Text(15);
      s.cue_lemma = q.Text(16);
      s.cue_span = span(17);
      s.sentence_span = *span(19);
      s.confidence = q.Real(21);
      out.push_back(std::move(s));
    }
    return out;
  }

  absl::StatusOr<PutOutcome> PutLocked(const Document& doc, const std::vector<Statement>& statements) {
    PutOutcome out;
    {
      Stmt q(db_, "SELECT text, published, source, version, language FROM documents WHERE id = ?");
      if (!q.ok()) return Error("reading a document");
      q.Bind(1, doc.id);
      if (q.Step() == SQLITE_ROW) {
        const bool same_published = q.Null(1) ? !doc.published_unix_seconds.has_value()
                                              : doc.published_unix_seconds == q.Int(1);
        if (q.Text(0) == doc.text && same_published && q.Text(2) == doc.source &&
            q.Int(4) == static_cast<int64_t>(doc.language)) {
          out.result = PutResult::kUnchanged;
          out.version = q.Int(3);
          return out;
        }
        out.result = PutResult::kReplaced;
        out.version = q.Int(3) + 1;
      }
    }
    if (out.result == PutResult::kReplaced) {
      // Retract the old version's live matches, then drop its statements.
      ASSIGN_OR_RETURN(std::vector<Match> live, LiveOf(doc.id));
      std::vector<MatchChange> changes;
      for (Match& m : live) changes.push_back({MatchEventType::kRetracted, std::move(m)});
      ASSIGN_OR_RETURN(out.retracted, RecordChanges(changes));
      Stmt del(db_, "DELETE FROM statements WHERE document_id = ?");
      del.Bind(1, doc.id);
      if (!del.ok() || del.Step() != SQLITE_DONE) return Error("replacing statements");
      Stmt up(db_,
              "UPDATE documents SET language = ?, text = ?, published = ?, source = ?, version = ?, matched = 0, "
              "change_order = (SELECT MAX(change_order) + 1 FROM documents) WHERE id = ?");
      up.Bind(1, static_cast<int64_t>(doc.language)).Bind(2, doc.text).BindOptional(3, doc.published_unix_seconds);
      up.Bind(4, doc.source).Bind(5, out.version).Bind(6, doc.id);
      if (!up.ok() || up.Step() != SQLITE_DONE) return Error("updating a document");
    } else {
      Stmt ins(db_,
               "INSERT INTO documents (id, language, text, published, source, version, matched, change_order) "
               "VALUES (?, ?, ?, ?, ?, 1, 0, (SELECT COALESCE(MAX(change_order), 0) + 1 FROM documents))");
      ins.Bind(1, doc.id).Bind(2, static_cast<int64_t>(doc.language)).Bind(3, doc.text);
      ins.BindOptional(4, doc.published_unix_seconds).Bind(5, doc.source);
      if (!ins.ok() || ins.Step() != SQLITE_DONE) return Error("storing a document");
    }
    {
      Stmt q(db_, "SELECT change_order FROM documents WHERE id = ?");
      q.Bind(1, doc.id);
      if (!q.ok() || q.Step() != SQLITE_ROW) return Error("reading a document's order");
      out.order = q.Int(0);
    }
    Stmt ins(db_,
             "INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins.ok()) return Error("storing statements");
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      auto opt_span = [&](int col, const std::optional<Span>& sp) {
        if (sp) ins.Bind(col, static_cast<int64_t>(sp->begin)).Bind(col + 1, static_cast<int64_t>(sp->end));
        else ins.BindNull(col).BindNull(col + 1);
      };
      ins.Bind(1, s.id).Bind(2, doc.id).Bind(3, static_cast<int64_t>(i)).Bind(4, static_cast<int64_t>(s.language));
      ins.Bind(5, static_cast<int64_t>(s.kind)).Bind(6, s.content);
      ins.Bind(7, static_cast<int64_t>(s.content_span.begin)).Bind(8, static_cast<int64_t>(s.content_span.end));
      ins.Bind(9, EncodeSpans(s.content_parts)).Bind(10, EncodeSpans(s.fragments));
      ins.Bind(11, s.speaker).Bind(12, s.speaker_role).Bind(13, static_cast<int64_t>(s.speaker_status));
      opt_span(14, s.speaker_span);
      opt_span(16, s.speaker_name_span);
      ins.Bind(18, s.cue).Bind(19, s.cue_lemma);
      opt_span(20, s.cue_span);
      ins.Bind(22, static_cast<int64_t>(s.sentence_span.begin)).Bind(23, static_cast<int64_t>(s.sentence_span.end));
      ins.Bind(24, s.confidence);
      if (ins.Step() != SQLITE_DONE) return Error(StrCat("storing statement ", s.id));
      ins.Reset();
    }
    return out;
  }

  // Live matches, all or those of one document, in id order.
  absl::StatusOr<std::vector<Match>> LiveOf(const std::optional<std::string>& document_id) {
    Stmt q(db_, document_id ? "SELECT id, english_statement, persian_statement, english_document, persian_document, "
                              "score, speaker, source, new_side FROM matches WHERE live = 1 AND "
                              "(english_document = ? OR persian_document = ?) ORDER BY id"
                            : "SELECT id, english_statement, persian_statement, english_document, persian_document, "
                              "score, speaker, source, new_side FROM matches WHERE live = 1 ORDER BY id");
    if (!q.ok()) return Error("reading matches");
    if (document_id) q.Bind(1, *document_id).Bind(2, *document_id);
    std::vector<Match> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(MatchFromRow(q, 0));
    if (rc != SQLITE_DONE) return Error("reading matches");
    return out;
  }

  absl::StatusOr<std::vector<MatchEvent>> RecordLocked(const std::string& document_id,
                                                       const std::vector<MatchChange>& changes) {
    ASSIGN_OR_RETURN(std::vector<MatchEvent> events, RecordChanges(changes));
    Stmt up(db_, "UPDATE documents SET matched = 1 WHERE id = ?");
    up.Bind(1, document_id);
    if (!up.ok() || up.Step() != SQLITE_DONE) return Error("marking a document matched");
    return events;
  }

  // Appends one event per change; an added match gets a row, a superseded
  // or retracted one stops being live.
  absl::StatusOr<std::vector<MatchEvent>> RecordChanges(const std::vector<MatchChange>& changes) {
    ASSIGN_OR_RETURN(int64_t sequence, Scalar("SELECT COALESCE(MAX(sequence), 0) FROM events"));
    std::vector<MatchEvent> out;
    const int64_t now = NowMicros();
    Stmt add(db_,
             "INSERT INTO matches (english_statement, persian_statement, english_document, persian_document, score, "
             "speaker, source, new_side, live) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)");
    Stmt end(db_, "UPDATE matches SET live = 0 WHERE id = ? AND live = 1");
    Stmt ev(db_, "INSERT INTO events (sequence, type, match_id, recorded) VALUES (?, ?, ?, ?)");
    if (!add.ok() || !end.ok() || !ev.ok()) return Error("recording matches");
    for (const MatchChange& c : changes) {
      MatchEvent e;
      e.type = c.type;
      e.match = c.match;
      e.recorded_unix_micros = now;
      if (c.type == MatchEventType::kAdded) {
        const Match& m = c.match;
        add.Bind(1, m.english_statement).Bind(2, m.persian_statement).Bind(3, m.english_document);
        add.Bind(4, m.persian_document).Bind(5, m.score).Bind(6, m.speaker).Bind(7, m.source);
        add.Bind(8, static_cast<int64_t>(m.new_side));
        if (add.Step() != SQLITE_DONE) return Error("adding a match");
        add.Reset();
        e.match.id = sqlite3_last_insert_rowid(db_);
      } else {
        end.Bind(1, c.match.id);
        if (end.Step() != SQLITE_DONE) return Error("ending a match");
        end.Reset();
        if (sqlite3_changes(db_) == 0) {
          return absl::FailedPreconditionError(StrCat("store: match ", c.match.id, " is not live"));
        }
      }
      e.sequence = ++sequence;
      ev.Bind(1, e.sequence).Bind(2, static_cast<int64_t>(e.type)).Bind(3, e.match.id).Bind(4, now);
      if (ev.Step() != SQLITE_DONE) return Error("appending an event");
      ev.Reset();
      out.push_back(std::move(e));
    }
    return out;
  }

  sqlite3* db_;
  std::mutex mu_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(StrCat("store: cannot open ", path, ": ", msg));
  }
  sqlite3_busy_timeout(db, 5000);
  auto store = std::make_unique<SqliteStore>(db);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace quotematch
