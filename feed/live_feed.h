// File: feed/live_feed.h
//
// LiveFeed: the newsroom feed. Documents arrive in either language; each is
// stored durably with its statements, its statements are matched against the
// other language's statements of documents published within a window, and
// every change to the published pairs is an event in the store's log.
//
//   ASSIGN_OR_RETURN(auto store, OpenSqliteStore("quotematch.db"));
//   ASSIGN_OR_RETURN(auto feed, LiveFeed::Open(engine, std::move(store), {}));
//   ASSIGN_OR_RETURN(IngestResult r, feed->Ingest(doc));     // durable when it returns
//   ASSIGN_OR_RETURN(auto page, feed->EventsAfter(cursor, 256));
//   feed->Subscribe([] { /* new events: read them from the store */ });
//
// Matching: a new statement's candidates are the other side's statements
// sharing lexicon forms, names or numbers with it (an inverted index kept in memory, rebuilt
// from the store at start-up), published within `window_seconds` (either
// side without a time always qualifies). The best candidate is published
// when its score clears `min_score` and beats the candidate's current pair,
// which is then superseded. A new version of a document retracts its old
// pairs (the store does it in the same transaction).
//
// Replicas: several LiveFeeds (one per server process) may share one store
// (PostgreSQL). Each keeps the index and the live pairs in memory, so each
// catches up with the store before it matches: it indexes documents other
// replicas stored since it last looked (DocumentsChangedAfter) and applies
// their events to its live pairs (EventsAfter). Catch-up, storing, matching
// and recording run under the store's matching lock, so one replica at a
// time decides pairs and no two publish conflicting ones; analysis of the
// new document runs before, outside the lock. A replica also catches up
// when the store reports another's commit (Store::Listen), and then tells
// its subscribers, so watchers on every replica see every event.
//
// Thread-safe: analysis runs in the caller's thread; storing and matching
// are serialized.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "pipeline/engine.h"
#include "store/store.h"

namespace quotematch {

struct LiveFeedOptions {
  double min_score = 0.5;
  int64_t window_seconds = 7 * 24 * 3600;
  size_t max_candidates = 64;     // candidates scored per new statement
  size_t rebuild_threads = 0;     // threads analyzing stored documents at start-up (0 = one per core)
};

struct IngestResult {
  std::string document_id;
  size_t statement_count = 0;
  PutResult result = PutResult::kNew;
  int64_t version = 1;
  std::vector<MatchEvent> events;   // retractions, supersessions and additions it caused
};

struct RebuildStats {
  size_t documents = 0, statements = 0, rematched = 0;
  double seconds = 0;
};

class LiveFeed {
 public:
  // Rebuilds the index from `store` and matches any stored document whose
  // matching did not complete (a crash between storing and matching).
  static absl::StatusOr<std::unique_ptr<LiveFeed>> Open(const Engine& engine, std::unique_ptr<Store> store,
                                                        LiveFeedOptions options);
  ~LiveFeed();

  // Validates and stores `doc` (INVALID_ARGUMENT / RESOURCE_EXHAUSTED as the
  // engine reports them), then matches it. Durable when it returns OK.
  absl::StatusOr<IngestResult> Ingest(Document doc);

  absl::StatusOr<std::vector<MatchEvent>> EventsAfter(int64_t cursor, size_t limit);
  int64_t last_sequence() const;

  // `fn` runs on the ingesting thread after each ingest that recorded
  // events, and on the store's listener thread after catching up with
  // another replica's events; it must be quick and must not call Subscribe or Unsubscribe.
  // Once Unsubscribe returns, `fn` never runs again. Returns an id for
  // Unsubscribe.
  int64_t Subscribe(std::function<void()> fn);
  void Unsubscribe(int64_t id);

  size_t statement_count() const;
  const RebuildStats& rebuild_stats() const { return rebuild_; }
  Store& store() { return *store_; }

 private:
  struct Entry {
    const AnalyzedDocument* doc = nullptr;
    uint32_t index = 0;               // statement index in doc
  };
  struct Best {
    int64_t match_id = 0;
    double score = 0;
    Match match;
  };

  LiveFeed(const Engine& engine, std::unique_ptr<Store> store, LiveFeedOptions options)
      : engine_(engine), store_(std::move(store)), options_(options) {}

  absl::StatusOr<std::vector<MatchEvent>> MatchLocked(const AnalyzedDocument& doc);
  // Indexes documents stored since document_cursor_ and applies events
  // after last_sequence_. Returns whether it applied any event.
  absl::StatusOr<bool> CatchUpLocked();
  absl::Status IndexStoredLocked(std::vector<StoredDocument> batch);
  // Applies the store's events after last_sequence_, up to `until`.
  absl::StatusOr<bool> ApplyStoredEventsLocked(int64_t until);
  // Applies events this feed recorded, after any others recorded before them.
  absl::Status ApplyOwnLocked(const std::vector<MatchEvent>& events);
  // Under the matching lock: matches documents whose ingest did not finish
  // (a crash between storing and recording), appending the events.
  absl::Status FinishUnmatchedLocked(std::vector<MatchEvent>* events);
  void OnStoreChange();
  void IndexLocked(std::unique_ptr<AnalyzedDocument> doc);
  void UnindexLocked(const std::string& document_id);
  void ApplyLocked(const std::vector<MatchEvent>& events);
  void Notify();

  const Engine& engine_;
  std::unique_ptr<Store> store_;
  const LiveFeedOptions options_;
  RebuildStats rebuild_;

  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<AnalyzedDocument>> documents_;
  // Form → statements on each side: Persian statements by their forms,
  // English ones by the forms of their concepts.
  absl::flat_hash_map<uint32_t, std::vector<Entry>> persian_by_form_, english_by_form_;
  // Name skeleton and number keys → statements, likewise.
  absl::flat_hash_map<uint64_t, std::vector<Entry>> persian_by_key_, english_by_key_;
  absl::flat_hash_map<std::string, Best> best_;   // statement id → its live pair
  absl::flat_hash_map<std::string, int64_t> versions_;   // document id → indexed version
  std::vector<std::string> unmatched_;   // documents seen stored but not matched
  int64_t document_cursor_ = 0;          // store order of the last document looked at
  int64_t last_sequence_ = 0;            // last event applied to best_
  size_t statements_ = 0;

  std::mutex subscribers_mu_;
  int64_t next_subscriber_ = 1;
  std::vector<std::pair<int64_t, std::function<void()>>> subscribers_;
};

}  // namespace quotematch
