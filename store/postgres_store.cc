#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
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
    CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO counters VALUES ('event', 0), ('document', 0);
    CREATE TABLE documents (
      id TEXT PRIMARY KEY,
      language INTEGER NOT NULL,
      text TEXT NOT NULL,
      published BIGINT,
      source TEXT NOT NULL,
      version BIGINT NOT NULL,
      matched BOOLEAN NOT NULL DEFAULT FALSE,
      first_order BIGINT NOT NULL UNIQUE,
      change_order BIGINT NOT NULL UNIQUE
    );
    CREATE TABLE statements (
      id TEXT PRIMARY KEY,
      document_id TEXT NOT NULL REFERENCES documents(id),
      position INTEGER NOT NULL,
      language INTEGER NOT NULL,
      kind INTEGER NOT NULL,
      content TEXT NOT NULL,
      content_begin BIGINT NOT NULL, content_end BIGINT NOT NULL,
      parts TEXT NOT NULL, fragments TEXT NOT NULL,
      speaker TEXT NOT NULL, speaker_role TEXT NOT NULL, speaker_status INTEGER NOT NULL,
      speaker_begin BIGINT, speaker_end BIGINT, name_begin BIGINT, name_end BIGINT,
      cue TEXT NOT NULL, cue_lemma TEXT NOT NULL, cue_begin BIGINT, cue_end BIGINT,
      sentence_begin BIGINT NOT NULL, sentence_end BIGINT NOT NULL,
      confidence DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX statements_by_document ON statements(document_id, position);
    CREATE TABLE matches (
      id BIGSERIAL PRIMARY KEY,
      english_statement TEXT NOT NULL, persian_statement TEXT NOT NULL,
      english_document TEXT NOT NULL, persian_document TEXT NOT NULL,
      score DOUBLE PRECISION NOT NULL, speaker TEXT NOT NULL, source TEXT NOT NULL, new_side INTEGER NOT NULL,
      live BOOLEAN NOT NULL
    );
    CREATE INDEX live_matches_by_english ON matches(english_document) WHERE live;
    CREATE INDEX live_matches_by_persian ON matches(persian_document) WHERE live;
    CREATE TABLE events (
      sequence BIGINT PRIMARY KEY,
      type INTEGER NOT NULL,
      match_id BIGINT NOT NULL REFERENCES matches(id),
      recorded BIGINT NOT NULL
    );
    )sql",
};
static_assert(std::size(kMigrations) == kPostgresSchemaVersion);

// Advisory lock keys (any 64-bit constants of our own): matching, and
// schema creation at start-up.
constexpr int64_t kMatchingLockKey = 0x716d2d6d61746368;   // "qm-match"
constexpr int64_t kSchemaLockKey = 0x716d2d736368656d;     // "qm-schem"

constexpr char kDocumentColumns[] = "id, language, text, published, source, version, matched, change_order";
constexpr char kMatchColumns[] =
    "id, english_statement, persian_statement, english_document, persian_document, score, speaker, source, new_side";

using store_internal::DecodeSpans;
using store_internal::EncodeSpans;
using store_internal::NowMicros;

// Query parameters in libpq's text format; a null is a null pointer.
class Params {
 public:
  Params& Add(int64_t v) { return Push(std::to_string(v)); }
  Params& Add(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return Push(buf);
  }
  Params& Add(std::string_view v) { return Push(std::string(v)); }
  Params& AddNull() {
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }
  template <typename T>
  Params& AddOptional(const std::optional<T>& v) {
    return v ? Add(static_cast<int64_t>(*v)) : AddNull();
  }
  Params& AddSpan(const std::optional<Span>& s) {
    if (!s) return AddNull().AddNull();
    return Add(static_cast<int64_t>(s->begin)).Add(static_cast<int64_t>(s->end));
  }
  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> out;
    for (size_t i = 0; i < values_.size(); ++i) out.push_back(null_[i] ? nullptr : values_[i].c_str());
    return out;
  }

 private:
  Params& Push(std::string v) {
    values_.push_back(std::move(v));
    null_.push_back(false);
    return *this;
  }
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// A query result, cleared on destruction; text-format accessors.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Result& operator=(Result&&) = delete;

  PGresult* get() const { return r_; }
  int rows() const { return PQntuples(r_); }
  bool Null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col)); }
  int64_t Int(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
  double Real(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }
  bool Bool(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }
  std::optional<Span> OptSpan(int row, int col) const {
    if (Null(row, col)) return std::nullopt;
    return Span{static_cast<uint32_t>(Int(row, col)), static_cast<uint32_t>(Int(row, col + 1))};
  }

 private:
  PGresult* r_;
};

// Where `url` spells a password: after USER: in the authority, and in
// password=... query parameters; [begin, end) byte ranges.
std::vector<std::pair<size_t, size_t>> PasswordRanges(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> out;
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return out;
  const size_t begin = scheme + 3;
  const size_t end = std::min(url.find_first_of("/?", begin), url.size());
  const size_t at = url.substr(0, end).rfind('@');
  if (at != std::string_view::npos && at >= begin) {
    const size_t colon = url.find(':', begin);
    if (colon < at) out.emplace_back(colon + 1, at);
  }
  for (size_t p = url.find("password=", end); p != std::string_view::npos; p = url.find("password=", p + 1)) {
    if (url[p - 1] != '?' && url[p - 1] != '&') continue;
    out.emplace_back(p + 9, std::min(url.find('&', p), url.size()));
  }
  return out;
}

// The URL's passwords as written and as libpq decodes them, to be removed
// from messages.
std::vector<std::string> PasswordsOf(const std::string& url) {
  std::vector<std::string> out;
  for (const auto& [begin, end] : PasswordRanges(url)) {
    if (end > begin) out.push_back(url.substr(begin, end - begin));
  }
  char* err = nullptr;
  if (PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err)) {
    for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
      if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') out.push_back(o->val);
    }
    PQconninfoFree(opts);
  }
  PQfreemem(err);
  return out;
}

// One libpq connection; not thread-safe (callers hold a mutex).
class Connection {
 public:
  Connection(std::string url, std::vector<std::string> secrets) : url_(std::move(url)), secrets_(std::move(secrets)) {}
  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects, or reconnects a connection that broke.
  absl::Status Ensure() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (conn_ == nullptr) return absl::UnavailableError("store: postgres: out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(Clean(StrCat("store: cannot connect to ", RedactPostgresUrl(url_), ": ",
                                                 PQerrorMessage(conn_))));
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);   // "relation already exists" and such
    return absl::OkStatus();
  }

  // Runs `sql` with `params`; `what` names the step for the error message.
  absl::StatusOr<Result> Run(std::string_view what, const char* sql, const Params& params = {}) {
    const std::vector<const char*> values = params.Pointers();
    return Check(what, Result(PQexecParams(conn_, sql, params.size(), nullptr, values.data(), nullptr, nullptr, 0)));
  }
  // The first statement of a call: when it fails because the connection
  // had broken (a server restart, an idle timeout), reconnects and runs it
  // once more; nothing of the call has happened yet.
  absl::StatusOr<Result> RunFirst(std::string_view what, const char* sql, const Params& params = {}) {
    RETURN_IF_ERROR(Ensure());
    absl::StatusOr<Result> r = Run(what, sql, params);
    if (r.ok() || PQstatus(conn_) == CONNECTION_OK) return r;
    RETURN_IF_ERROR(Ensure());
    return Run(what, sql, params);
  }
  // Several statements without parameters (schema migrations).
  absl::Status Script(std::string_view what, const char* sql) { return Check(what, Result(PQexec(conn_, sql))).status(); }

  absl::Status Begin(const char* sql) { return RunFirst("begin", sql).status(); }
  absl::Status Commit() { return Run("commit", "COMMIT").status(); }
  void Rollback() {
    if (PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, "ROLLBACK"));
  }

  PGconn* raw() { return conn_; }
  // `message` without the URL's password.
  std::string Clean(std::string message) const {
    for (const std::string& s : secrets_) {
      if (s.empty()) continue;
      // Past each replacement: a password may occur in "***" itself.
      for (size_t at = message.find(s); at != std::string::npos; at = message.find(s, at + 3)) {
        message.replace(at, s.size(), "***");
      }
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
  }

 private:
  absl::StatusOr<Result> Check(std::string_view what, Result r) {
    PGresult* raw = r.get();
    const ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    const std::string text = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
    const std::string message = Clean(StrCat("store: ", what, ": ", text.empty() ? PQerrorMessage(conn_) : text));
    // Class 08: connection exceptions; 57P: the server shutting down.
    const std::string_view code = state ? state : "";
    if (PQstatus(conn_) != CONNECTION_OK || code.starts_with("08") || code.starts_with("57P")) {
      return absl::UnavailableError(message);
    }
    return absl::InternalError(message);
  }

  const std::string url_;
  const std::vector<std::string> secrets_;
  PGconn* conn_ = nullptr;
};

constexpr char kReadWrite[] = "BEGIN";
// For reads of several queries: one snapshot.
constexpr char kSnapshot[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// `fn` in one transaction on `c`: committed when it returns OK, rolled back
// otherwise.
template <typename Fn>
auto InTransaction(Connection& c, Fn fn, const char* begin = kReadWrite) -> decltype(fn()) {
  RETURN_IF_ERROR(c.Begin(begin));
  auto result = fn();
  if (!result.ok()) {
    c.Rollback();
    return result;
  }
  if (absl::Status st = c.Commit(); !st.ok()) {
    c.Rollback();
    return st;
  }
  return result;
}

constexpr int64_t kNoFence = -1;

class PostgresMatchingLock final : public MatchingLock {
 public:
  PostgresMatchingLock(std::unique_lock<std::mutex> held, Connection& conn, std::atomic<int64_t>& fence)
      : held_(std::move(held)), conn_(conn), fence_(fence) {}
  ~PostgresMatchingLock() override {
    fence_ = kNoFence;
    // If this fails the connection broke, and the server has released the
    // lock with it; LockMatching reconnects.
    conn_.Run("releasing the matching lock", "SELECT pg_advisory_unlock($1)", Params().Add(kMatchingLockKey))
        .status()
        .IgnoreError();
  }

 private:
  std::unique_lock<std::mutex> held_;
  Connection& conn_;
  std::atomic<int64_t>& fence_;
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url)
      : url_(url), secrets_(PasswordsOf(url)), conn_(url, secrets_), lock_conn_(url, secrets_) {}
  ~PostgresStore() override { StopListening(); }

  absl::Status Init() {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(int64_t version, InTransaction(conn_, [&]() -> absl::StatusOr<int64_t> {
      RETURN_IF_ERROR(conn_.Run("locking the schema", "SELECT pg_advisory_xact_lock($1)", Params().Add(kSchemaLockKey))
                          .status());
      RETURN_IF_ERROR(conn_.Script("creating the schema version",
                                   "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
      ASSIGN_OR_RETURN(Result r, conn_.Run("reading the schema version", "SELECT version FROM schema_version"));
      int64_t v = 0;
      if (r.rows() > 0) v = r.Int(0, 0);
      else RETURN_IF_ERROR(conn_.Run("reading the schema version", "INSERT INTO schema_version VALUES (0)").status());
      if (v > kPostgresSchemaVersion) return v;
      for (int64_t m = v; m < kPostgresSchemaVersion; ++m) {
        RETURN_IF_ERROR(conn_.Script(StrCat("migrating the schema to version ", m + 1).c_str(), kMigrations[m]));
      }
      RETURN_IF_ERROR(conn_.Run("migrating the schema", "UPDATE schema_version SET version = $1",
                                Params().Add(static_cast<int64_t>(kPostgresSchemaVersion)))
                          .status());
      return v;
    }));
    if (version > kPostgresSchemaVersion) {
      return absl::FailedPreconditionError(StrCat("store schema version ", version, " is newer than this build's ",
                                                  kPostgresSchemaVersion));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<PutOutcome> PutDocument(const Document& doc, const std::vector<Statement>& statements) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto out = InTransaction(conn_, [&] { return PutLocked(doc, statements); });
    if (out.ok()) Fenced(out->retracted);
    return out;
  }

  absl::StatusOr<std::vector<MatchEvent>> Record(const std::string& document_id,
                                                 const std::vector<MatchChange>& changes) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto out = InTransaction(conn_, [&]() -> absl::StatusOr<std::vector<MatchEvent>> {
      // The document's row before the event counter, as PutDocument does:
      // one lock order, no deadlock between them.
      RETURN_IF_ERROR(conn_.Run("marking a document matched", "UPDATE documents SET matched = TRUE WHERE id = $1",
                                Params().Add(document_id))
                          .status());
      ASSIGN_OR_RETURN(std::vector<MatchEvent> events, RecordChanges(changes));
      RETURN_IF_ERROR(NotifyLocked());
      return events;
    });
    if (out.ok()) Fenced(*out);
    return out;
  }

  absl::StatusOr<std::vector<MatchEvent>> EventsAfter(int64_t cursor, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(Result r, conn_.RunFirst("reading events",
                                         "SELECT e.sequence, e.type, e.recorded, m.id, m.english_statement, "
                                         "m.persian_statement, m.english_document, m.persian_document, m.score, "
                                         "m.speaker, m.source, m.new_side FROM events e JOIN matches m ON "
                                         "m.id = e.match_id WHERE e.sequence > $1 ORDER BY e.sequence LIMIT $2",
                                         Params().Add(cursor).Add(static_cast<int64_t>(limit))));
    std::vector<MatchEvent> out;
    for (int i = 0; i < r.rows(); ++i) {
      MatchEvent e;
      e.sequence = r.Int(i, 0);
      e.type = static_cast<MatchEventType>(r.Int(i, 1));
      e.recorded_unix_micros = r.Int(i, 2);
      e.match = MatchFromRow(r, i, 3);
      out.push_back(std::move(e));
    }
    return out;
  }

  absl::StatusOr<int64_t> LastSequence() override {
    return Scalar("reading the last sequence", "SELECT value FROM counters WHERE name = 'event'");
  }

  absl::StatusOr<std::vector<Match>> LiveMatches() override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction(conn_, [&] { return LiveOf(std::nullopt); }, kSnapshot);
  }

  absl::StatusOr<std::optional<StoredDocument>> GetDocument(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction(
        conn_,
        [&]() -> absl::StatusOr<std::optional<StoredDocument>> {
          ASSIGN_OR_RETURN(std::vector<StoredDocument> docs, DocumentsWhere("id = $1", Params().Add(id)));
          if (docs.empty()) return std::optional<StoredDocument>();
          return std::optional<StoredDocument>(std::move(docs[0]));
        },
        kSnapshot);
  }

  absl::Status ForEachDocument(const std::function<absl::Status(StoredDocument)>& fn) override {
    int64_t after = -1;
    while (true) {
      std::vector<StoredDocument> page;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ASSIGN_OR_RETURN(page, InTransaction(
                                   conn_,
                                   [&] {
                                     return DocumentsWhere("first_order > $1 ORDER BY first_order LIMIT 256",
                                                           Params().Add(after), ", first_order", &after);
                                   },
                                   kSnapshot));
      }
      if (page.empty()) return absl::OkStatus();
      for (StoredDocument& d : page) RETURN_IF_ERROR(fn(std::move(d)));
    }
  }

  absl::StatusOr<std::vector<StoredDocument>> DocumentsChangedAfter(int64_t order, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction(
        conn_,
        [&] {
          return DocumentsWhere("change_order > $1 ORDER BY change_order LIMIT $2",
                                Params().Add(order).Add(static_cast<int64_t>(limit)));
        },
        kSnapshot);
  }

  absl::StatusOr<int64_t> DocumentCount() override {
    return Scalar("counting documents", "SELECT COUNT(*) FROM documents");
  }
  absl::StatusOr<int64_t> StatementCount() override {
    return Scalar("counting statements", "SELECT COUNT(*) FROM statements");
  }

  absl::StatusOr<std::unique_ptr<MatchingLock>> LockMatching() override {
    // Threads of this process queue on the mutex; processes on the
    // advisory lock, which the server releases if this connection dies.
    std::unique_lock<std::mutex> held(lock_mu_);
    RETURN_IF_ERROR(
        lock_conn_.RunFirst("taking the matching lock", "SELECT pg_advisory_lock($1)", Params().Add(kMatchingLockKey))
            .status());
    // Released (with the mutex) by its destructor, also if the rest fails.
    auto guard = std::make_unique<PostgresMatchingLock>(std::move(held), lock_conn_, fence_);
    // The fence: the event counter as the lock found it. Should the lock be
    // lost while held (its connection dropped, another replica took it),
    // the other's events move the counter and this store's next Record
    // fails (ABORTED) instead of publishing pairs decided on a stale view.
    ASSIGN_OR_RETURN(Result counter, lock_conn_.Run("reading the event counter",
                                                    "SELECT value FROM counters WHERE name = 'event'"));
    if (counter.rows() != 1) return absl::InternalError("store: the event counter is missing");
    fence_ = counter.Int(0, 0);
    return std::unique_ptr<MatchingLock>(std::move(guard));
  }

  absl::Status Listen(std::function<void()> on_change) override {
    StopListening();
    if (!on_change) return absl::OkStatus();
    // Connect once here, so that a bad URL is reported to the caller.
    auto conn = std::make_unique<Connection>(url_, secrets_);
    RETURN_IF_ERROR(conn->Ensure());
    RETURN_IF_ERROR(conn->Run("listening", StrCat("LISTEN ", kPostgresFeedChannel).c_str()).status());
    stop_listening_ = false;
    listener_ = std::thread([this, conn = std::move(conn), fn = std::move(on_change)]() mutable {
      ListenLoop(std::move(conn), fn);
    });
    return absl::OkStatus();
  }

 private:
  void StopListening() {
    stop_listening_ = true;
    if (listener_.joinable()) listener_.join();
  }

  // Waits for notifications on `conn` and calls `fn`; reconnects (and calls
  // `fn`, since notifications may have been missed) when it breaks.
  void ListenLoop(std::unique_ptr<Connection> conn, const std::function<void()>& fn) {
    bool connected = true;
    while (!stop_listening_) {
      if (!connected) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        connected = conn->Ensure().ok() &&
                    conn->Run("listening", StrCat("LISTEN ", kPostgresFeedChannel).c_str()).ok();
        if (connected) fn();
        continue;
      }
      pollfd p{PQsocket(conn->raw()), POLLIN, 0};
      if (p.fd < 0) {
        connected = false;
        continue;
      }
      if (poll(&p, 1, 200) <= 0) continue;
      if (PQconsumeInput(conn->raw()) == 0) {
        connected = false;
        continue;
      }
      bool changed = false;
      while (PGnotify* n = PQnotifies(conn->raw())) {
        changed = true;
        PQfreemem(n);
      }
      if (changed && !stop_listening_) fn();
    }
  }

  absl::Status NotifyLocked() {
    return conn_.Run("notifying replicas", "SELECT pg_notify($1, '')", Params().Add(std::string_view(kPostgresFeedChannel)))
        .status();
  }

  absl::StatusOr<int64_t> Scalar(std::string_view what, const char* sql) {
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(Result r, conn_.RunFirst(what, sql));
    if (r.rows() != 1) return absl::InternalError(StrCat("store: ", what, ": no row"));
    return r.Int(0, 0);
  }

  // Takes `n` numbers from the counter `name`; returns the last. The row
  // stays locked until the transaction ends, so numbers commit in order.
  absl::StatusOr<int64_t> Advance(const char* name, int64_t n) {
    ASSIGN_OR_RETURN(Result r, conn_.Run("advancing a counter",
                                         "UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING value",
                                         Params().Add(std::string_view(name)).Add(n)));
    if (r.rows() != 1) return absl::InternalError(StrCat("store: counter ", name, " is missing"));
    return r.Int(0, 0);
  }

  // Advance("event", n), but while the matching lock is held only from the
  // fence: ABORTED if anyone else recorded events meanwhile.
  absl::StatusOr<int64_t> AdvanceEvents(int64_t n) {
    const int64_t fence = fence_;
    if (fence == kNoFence) return Advance("event", n);
    ASSIGN_OR_RETURN(Result r, conn_.Run("advancing the event counter",
                                         "UPDATE counters SET value = value + $1 WHERE name = 'event' AND value = $2 "
                                         "RETURNING value",
                                         Params().Add(n).Add(fence)));
    if (r.rows() != 1) {
      return absl::AbortedError("store: the matching lock was lost: another writer recorded events meanwhile");
    }
    return r.Int(0, 0);
  }

  // After a commit: the fence moves past this store's own events.
  void Fenced(const std::vector<MatchEvent>& events) {
    if (!events.empty() && fence_ != kNoFence) fence_ = events.back().sequence;
  }

  static Match MatchFromRow(const Result& r, int row, int c) {
    Match m;
    m.id = r.Int(row, c);
    m.english_statement = r.Text(row, c + 1);
    m.persian_statement = r.Text(row, c + 2);
    m.english_document = r.Text(row, c + 3);
    m.persian_document = r.Text(row, c + 4);
    m.score = r.Real(row, c + 5);
    m.speaker = r.Text(row, c + 6);
    m.source = r.Text(row, c + 7);
    m.new_side = static_cast<Language>(r.Int(row, c + 8));
    return m;
  }

  // Documents (with statements) matching `where` (which may order and
  // limit); `extra` adds one column whose last value goes to *last.
  absl::StatusOr<std::vector<StoredDocument>> DocumentsWhere(const std::string& where, const Params& params,
                                                             const char* extra = "", int64_t* last = nullptr) {
    const std::string sql = StrCat("SELECT ", kDocumentColumns, extra, " FROM documents WHERE ", where);
    ASSIGN_OR_RETURN(Result r, conn_.Run("reading documents", sql.c_str(), params));
    std::vector<StoredDocument> out;
    for (int i = 0; i < r.rows(); ++i) {
      StoredDocument d;
      d.document.id = r.Text(i, 0);
      d.document.language = static_cast<Language>(r.Int(i, 1));
      d.document.text = r.Text(i, 2);
      if (!r.Null(i, 3)) d.document.published_unix_seconds = r.Int(i, 3);
      d.document.source = r.Text(i, 4);
      d.version = r.Int(i, 5);
      d.matched = r.Bool(i, 6);
      d.order = r.Int(i, 7);
      if (last != nullptr) *last = r.Int(i, 8);
      ASSIGN_OR_RETURN(d.statements, StatementsOf(d.document.id));
      out.push_back(std::move(d));
    }
    return out;
  }

  absl::StatusOr<std::vector<Statement>> StatementsOf(const std::string& document_id) {
    ASSIGN_OR_RETURN(Result r, conn_.Run("reading statements",
                                         "SELECT id, language, kind, content, content_begin, content_end, parts, "
                                         "fragments, speaker, speaker_role, speaker_status, speaker_begin, "
                                         "speaker_end, name_begin, name_end, cue, cue_lemma, cue_begin, cue_end, "
                                         "sentence_begin, sentence_end, confidence FROM statements "
                                         "WHERE document_id = $1 ORDER BY position",
                                         Params().Add(document_id)));
    std::vector<Statement> out;
    for (int i = 0; i < r.rows(); ++i) {
      Statement s;
      s.id = r.Text(i, 0);
      s.document_id = document_id;
      s.language = static_cast<Language>(r.Int(i, 1));
      s.kind = static_cast<StatementKind>(r.Int(i, 2));
      s.content = r.Text(i, 3);
      s.content_span = *r.OptSpan(i, 4);
      s.content_parts = DecodeSpans(r.Text(i, 6));
      s.fragments = DecodeSpans(r.Text(i, 7));
      s.speaker = r.Text(i, 8);
      s.speaker_role = r.Text(i, 9);
      s.speaker_status = static_cast<SpeakerStatus>(r.Int(i, 10));
      s.speaker_span = r.OptSpan(i, 11);
      s.speaker_name_span = r.OptSpan(i, 13);
      s.cue = r.Text(i, 15);
      s.cue_lemma = r.Text(i, 16);
      s.cue_span = r.OptSpan(i, 17);
      s.sentence_span = *r.OptSpan(i, 19);
      s.confidence = r.Real(i, 21);
      out.push_back(std::move(s));
    }
    return out;
  }

  absl::StatusOr<PutOutcome> PutLocked(const Document& doc, const std::vector<Statement>& statements) {
    // The document counter's row first: locking it serializes every
    // PutDocument (so two replicas storing one id cannot both insert it),
    // and held to commit it makes store orders commit in order. An
    // unchanged document takes no number.
    RETURN_IF_ERROR(conn_.Run("locking the document counter",
                              "SELECT value FROM counters WHERE name = 'document' FOR UPDATE")
                        .status());
    PutOutcome out;
    {
      ASSIGN_OR_RETURN(Result r, conn_.Run("reading a document",
                                           "SELECT text, published, source, version, language FROM documents "
                                           "WHERE id = $1",
                                           Params().Add(doc.id)));
      if (r.rows() > 0) {
        const bool same_published = r.Null(0, 1) ? !doc.published_unix_seconds.has_value()
                                                 : doc.published_unix_seconds == r.Int(0, 1);
        if (r.Text(0, 0) == doc.text && same_published && r.Text(0, 2) == doc.source &&
            r.Int(0, 4) == static_cast<int64_t>(doc.language)) {
          out.result = PutResult::kUnchanged;
          out.version = r.Int(0, 3);
          return out;
        }
        out.result = PutResult::kReplaced;
        out.version = r.Int(0, 3) + 1;
      }
    }
    ASSIGN_OR_RETURN(out.order, Advance("document", 1));
    Params values;
    values.Add(doc.id).Add(static_cast<int64_t>(doc.language)).Add(doc.text).AddOptional(doc.published_unix_seconds);
    values.Add(doc.source).Add(out.version).Add(out.order);
    if (out.result == PutResult::kReplaced) {
      RETURN_IF_ERROR(conn_.Run("updating a document",
                                "UPDATE documents SET language = $2, text = $3, published = $4, source = $5, "
                                "version = $6, matched = FALSE, change_order = $7 WHERE id = $1",
                                values)
                          .status());
      // Retract the old version's live matches, then drop its statements.
      ASSIGN_OR_RETURN(std::vector<Match> live, LiveOf(doc.id));
      std::vector<MatchChange> changes;
      for (Match& m : live) changes.push_back({MatchEventType::kRetracted, std::move(m)});
      ASSIGN_OR_RETURN(out.retracted, RecordChanges(changes));
      if (!out.retracted.empty()) RETURN_IF_ERROR(NotifyLocked());
      RETURN_IF_ERROR(conn_.Run("replacing statements", "DELETE FROM statements WHERE document_id = $1",
                                Params().Add(doc.id))
                          .status());
    } else {
      RETURN_IF_ERROR(conn_.Run("storing a document",
                                "INSERT INTO documents (id, language, text, published, source, version, matched, "
                                "first_order, change_order) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7)",
                                values)
                          .status());
    }
    // The statements go in multi-row INSERTs, up to kRowsPerInsert at a
    // time: one round trip for a whole article instead of one per statement.
    constexpr size_t kColumns = 24, kRowsPerInsert = 200;
    for (size_t first = 0; first < statements.size(); first += kRowsPerInsert) {
      const size_t last = std::min(statements.size(), first + kRowsPerInsert);
      Params p;
      std::string sql = "INSERT INTO statements VALUES ";
      for (size_t i = first; i < last; ++i) {
        const Statement& s = statements[i];
        p.Add(s.id).Add(doc.id).Add(static_cast<int64_t>(i)).Add(static_cast<int64_t>(s.language));
        p.Add(static_cast<int64_t>(s.kind)).Add(s.content).AddSpan(s.content_span);
        p.Add(EncodeSpans(s.content_parts)).Add(EncodeSpans(s.fragments));
        p.Add(s.speaker).Add(s.speaker_role).Add(static_cast<int64_t>(s.speaker_status));
        p.AddSpan(s.speaker_span).AddSpan(s.speaker_name_span).Add(s.cue).Add(s.cue_lemma).AddSpan(s.cue_span);
        p.AddSpan(s.sentence_span).Add(s.confidence);
        const size_t base = (i - first) * kColumns;
        sql += i == first ? "(" : ", (";
        for (size_t c = 1; c <= kColumns; ++c) sql += StrCat(c == 1 ? "$" : ", $", base + c);
        sql += ")";
      }
      RETURN_IF_ERROR(conn_.Run(StrCat("storing the statements of ", doc.id), sql.c_str(), p).status());
    }
    return out;
  }

  // Live matches, all or those of one document, in id order.
  absl::StatusOr<std::vector<Match>> LiveOf(const std::optional<std::string>& document_id) {
    const std::string sql =
        StrCat("SELECT ", kMatchColumns, " FROM matches WHERE live",
               document_id ? " AND (english_document = $1 OR persian_document = $1)" : "", " ORDER BY id");
    Params p;
    if (document_id) p.Add(*document_id);
    ASSIGN_OR_RETURN(Result r, conn_.Run("reading matches", sql.c_str(), p));
    std::vector<Match> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(MatchFromRow(r, i, 0));
    return out;
  }

  // Appends one event per change; an added match gets a row, a superseded
  // or retracted one stops being live.
  absl::StatusOr<std::vector<MatchEvent>> RecordChanges(const std::vector<MatchChange>& changes) {
    std::vector<MatchEvent> out;
    if (changes.empty()) return out;
    ASSIGN_OR_RETURN(const int64_t last, AdvanceEvents(static_cast<int64_t>(changes.size())));
    int64_t sequence = last - static_cast<int64_t>(changes.size());
    const int64_t now = NowMicros();
    for (const MatchChange& c : changes) {
      MatchEvent e;
      e.type = c.type;
      e.match = c.match;
      e.recorded_unix_micros = now;
      if (c.type == MatchEventType::kAdded) {
        const Match& m = c.match;
        Params p;
        p.Add(m.english_statement).Add(m.persian_statement).Add(m.english_document).Add(m.persian_document);
        p.Add(m.score).Add(m.speaker).Add(m.source).Add(static_cast<int64_t>(m.new_side));
        ASSIGN_OR_RETURN(Result r, conn_.Run("adding a match",
                                             "INSERT INTO matches (english_statement, persian_statement, "
                                             "english_document, persian_document, score, speaker, source, new_side, "
                                             "live) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE) RETURNING id",
                                             p));
        e.match.id = r.Int(0, 0);
      } else {
        ASSIGN_OR_RETURN(Result r, conn_.Run("ending a match",
                                             "UPDATE matches SET live = FALSE WHERE id = $1 AND live RETURNING id",
                                             Params().Add(c.match.id)));
        if (r.rows() == 0) return absl::FailedPreconditionError(StrCat("store: match ", c.match.id, " is not live"));
      }
      e.sequence = ++sequence;
      RETURN_IF_ERROR(conn_.Run("appending an event",
                                "INSERT INTO events (sequence, type, match_id, recorded) VALUES ($1, $2, $3, $4)",
                                Params().Add(e.sequence).Add(static_cast<int64_t>(e.type)).Add(e.match.id).Add(now))
                          .status());
      out.push_back(std::move(e));
    }
    return out;
  }

  const std::string url_;
  const std::vector<std::string> secrets_;
  std::mutex mu_;          // guards conn_
  Connection conn_;
  std::mutex lock_mu_;     // held with the matching lock; guards lock_conn_
  Connection lock_conn_;
  std::atomic<int64_t> fence_{kNoFence};   // while the matching lock is held: see LockMatching
  std::atomic<bool> stop_listening_{false};
  std::thread listener_;   // started by Listen
};

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string RedactPostgresUrl(std::string_view url) {
  std::string out(url);
  const auto ranges = PasswordRanges(url);
  for (auto r = ranges.rbegin(); r != ranges.rend(); ++r) out.replace(r->first, r->second - r->first, "***");
  return out;
}

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  auto store = std::make_unique<PostgresStore>(url);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace quotematch
