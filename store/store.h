// File: store/store.h
//
// The live feed's durable state: documents, their statements, matches and
// the event log whose ever-increasing sequence number is a watcher's cursor.
// One interface, two implementations: embedded SQLite for one process
// (store/sqlite_store.h) and PostgreSQL shared by many replicas
// (store/postgres_store.h).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore("quotematch.db"));
//   ASSIGN_OR_RETURN(PutOutcome put, store->PutDocument(doc, statements));
//   ... match ...
//   ASSIGN_OR_RETURN(std::vector<MatchEvent> added, store->Record(doc.id, changes));
//   ASSIGN_OR_RETURN(std::vector<MatchEvent> page, store->EventsAfter(cursor, 500));
//
// Every call is one transaction, committed (and synced) before it returns:
// what a call reported done survives a crash. Implementations are
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "extract/statement.h"

namespace quotematch {

enum class MatchEventType { kAdded = 1, kSuperseded = 2, kRetracted = 3 };

// A published pair of statements.
struct Match {
  int64_t id = 0;                       // assigned by the store
  std::string english_statement;        // statement ids
  std::string persian_statement;
  std::string english_document;         // document ids
  std::string persian_document;
  double score = 0;
  std::string speaker;                  // the English statement's speaker, for filters
  std::string source;                   // the newer document's source, for filters
  Language new_side = Language::kUnspecified;   // language of the document whose arrival made it
};

struct MatchEvent {
  int64_t sequence = 0;                 // the cursor: 1, 2, 3, ... with no gaps
  MatchEventType type = MatchEventType::kAdded;
  Match match;
  int64_t recorded_unix_micros = 0;
};

// A change the matcher decided, for Store::Record.
struct MatchChange {
  MatchEventType type = MatchEventType::kAdded;
  Match match;                          // for kSuperseded/kRetracted: match.id names the live match
};

enum class PutResult { kNew, kUnchanged, kReplaced };

struct PutOutcome {
  PutResult result = PutResult::kNew;
  int64_t version = 1;
  int64_t order = 0;                    // for kNew and kReplaced: the new version's store order
  // For kReplaced: the old version's live matches, now retracted (events
  // already recorded).
  std::vector<MatchEvent> retracted;
};

struct StoredDocument {
  Document document;
  std::vector<Statement> statements;
  int64_t version = 1;
  bool matched = false;                 // Record() ran for this version
  // Store order: increases (not necessarily by one) each time a version is
  // stored, in commit order, so DocumentsChangedAfter(order) misses nothing.
  int64_t order = 0;
};

// Held while matching, so that one matcher at a time (across every process
// sharing the store) decides pairs. Released when destroyed; must not
// outlive its store.
class MatchingLock {
 public:
  virtual ~MatchingLock() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores `doc` and its statements. The same id with the same text, time
  // and source is kUnchanged (nothing written); with anything new it is a
  // new version: the old statements are replaced and the old version's live
  // matches retracted, in the same transaction.
  virtual absl::StatusOr<PutOutcome> PutDocument(const Document& doc, const std::vector<Statement>& statements) = 0;

  // Records the matcher's changes for the current version of `document_id`
  // and marks it matched, in one transaction. Returns the events, with
  // their sequences and the added matches' ids.
  virtual absl::StatusOr<std::vector<MatchEvent>> Record(const std::string& document_id,
                                                         const std::vector<MatchChange>& changes) = 0;

  // Events with sequence > `cursor`, in order, at most `limit`.
  virtual absl::StatusOr<std::vector<MatchEvent>> EventsAfter(int64_t cursor, size_t limit) = 0;
  virtual absl::StatusOr<int64_t> LastSequence() = 0;

  // Matches added and neither superseded nor retracted.
  virtual absl::StatusOr<std::vector<Match>> LiveMatches() = 0;

  virtual absl::StatusOr<std::optional<StoredDocument>> GetDocument(const std::string& id) = 0;
  // Every stored document, in the order they were first stored.
  virtual absl::Status ForEachDocument(const std::function<absl::Status(StoredDocument)>& fn) = 0;

  // Documents whose current version was stored with order > `order`, in
  // store order, at most `limit`: a reader's catch-up cursor.
  virtual absl::StatusOr<std::vector<StoredDocument>> DocumentsChangedAfter(int64_t order, size_t limit) = 0;

  virtual absl::StatusOr<int64_t> DocumentCount() = 0;
  virtual absl::StatusOr<int64_t> StatementCount() = 0;

  // Waits until no other holder (thread or process) has the matching lock,
  // then takes it. The default is for a store used by one process, whose
  // callers serialize themselves: it returns at once.
  virtual absl::StatusOr<std::unique_ptr<MatchingLock>> LockMatching() {
    return std::make_unique<MatchingLock>();
  }

  // Calls `on_change` (on a thread of the store's) after another process
  // commits documents or events, and once after any interruption in which
  // changes may have been missed; it may also run when nothing changed.
  // An empty function stops listening and waits for a running call to
  // return. The default (one process: the caller knows its own changes)
  // never calls it.
  virtual absl::Status Listen(std::function<void()> on_change) {
    (void)on_change;
    return absl::OkStatus();
  }
};

}  // namespace quotematch
