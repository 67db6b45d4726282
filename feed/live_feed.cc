#include "feed/live_feed.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"

namespace quotematch {
namespace {

// A form in more statements than this proposes no candidates: it is too
// common to tell statements apart, and its postings would make every new
// statement cost as much as the corpus.
constexpr size_t kMaxPostings = 4000;

using Clock = std::chrono::steady_clock;

// The distinct forms a statement is indexed under.
std::vector<uint32_t> FormsOf(const StatementFeatures& f) {
  std::vector<uint32_t> forms;
  if (f.language == Language::kPersian) {
    for (const FormRef& r : f.forms) forms.push_back(r.form);
  } else {
    for (const ConceptRef& c : f.concepts) forms.push_back(c.form);
  }
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

// The name and number keys a statement is indexed under.
std::vector<uint64_t> KeysOf(const StatementFeatures& f) {
  std::vector<uint64_t> keys;
  for (const KeyRef& k : f.names) keys.push_back(k.key);
  for (const KeyRef& k : f.numbers) keys.push_back(k.key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// A shared name or number counts as much as this many shared forms when
// ranking candidates: it is rarer and says more.
constexpr uint32_t kKeyWeight = 4;

}  // namespace

absl::StatusOr<std::unique_ptr<LiveFeed>> LiveFeed::Open(const Engine& engine, std::unique_ptr<Store> store,
                                                         LiveFeedOptions options) {
  if (!(options.min_score > 0 && options.min_score <= 1)) {
    return absl::InvalidArgumentError(StrCat("min_score: must be in (0, 1], got ", options.min_score));
  }
  if (options.window_seconds < 0) return absl::InvalidArgumentError("window_seconds: must not be negative");
  std::unique_ptr<LiveFeed> feed(new LiveFeed(engine, std::move(store), options));
  const Clock::time_point start = Clock::now();
  {
    std::lock_guard<std::mutex> lock(feed->mu_);
    // The cursor before the live pairs: events recorded meanwhile are
    // applied again by the catch-up, which converges on the same pairs.
    ASSIGN_OR_RETURN(feed->last_sequence_, feed->store_->LastSequence());
    ASSIGN_OR_RETURN(std::vector<Match> live, feed->store_->LiveMatches());
    for (const Match& m : live) {
      const Best b{m.id, m.score, m};
      feed->best_[m.english_statement] = b;
      feed->best_[m.persian_statement] = b;
    }
    // From store order 0, the catch-up is the rebuild.
    RETURN_IF_ERROR(feed->CatchUpLocked().status());
    feed->rebuild_.documents = feed->documents_.size();
    feed->rebuild_.statements = feed->statements_;
  }
  if (!feed->unmatched_.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<MatchingLock> matching, feed->store_->LockMatching());
    std::lock_guard<std::mutex> lock(feed->mu_);
    RETURN_IF_ERROR(feed->CatchUpLocked().status());
    std::vector<MatchEvent> events;
    RETURN_IF_ERROR(feed->FinishUnmatchedLocked(&events));
  }
  RETURN_IF_ERROR(feed->store_->Listen([f = feed.get()] { f->OnStoreChange(); }));
  feed->rebuild_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return feed;
}

LiveFeed::~LiveFeed() {
  // Before any member goes: the listener thread calls into this feed.
  store_->Listen({}).IgnoreError();
}

void LiveFeed::OnStoreChange() {
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto caught_up = CatchUpLocked();
    // On failure the next ingest catches up (and reports the error).
    changed = caught_up.ok() && *caught_up;
  }
  if (changed) Notify();
}

absl::StatusOr<bool> LiveFeed::CatchUpLocked() {
  while (true) {
    ASSIGN_OR_RETURN(std::vector<StoredDocument> page, store_->DocumentsChangedAfter(document_cursor_, 512));
    if (page.empty()) break;
    document_cursor_ = page.back().order;
    RETURN_IF_ERROR(IndexStoredLocked(std::move(page)));
  }
  return ApplyStoredEventsLocked(std::numeric_limits<int64_t>::max());
}

absl::Status LiveFeed::IndexStoredLocked(std::vector<StoredDocument> batch) {
  // Versions already indexed (this feed's own) are skipped.
  batch.erase(std::remove_if(batch.begin(), batch.end(),
                             [&](const StoredDocument& d) {
                               auto v = versions_.find(d.document.id);
                               return v != versions_.end() && v->second == d.version;
                             }),
              batch.end());
  // Analyzed on every core (normalizing and featurizing is the cost), then
  // indexed in store order.
  std::vector<absl::StatusOr<std::unique_ptr<AnalyzedDocument>>> analyzed(batch.size());
  const size_t threads = std::min<size_t>(
      {batch.size(), 16,
       options_.rebuild_threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : options_.rebuild_threads});
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < batch.size();) {
      analyzed[i] = engine_.Reanalyze(std::move(batch[i].document), std::move(batch[i].statements));
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!analyzed[i].ok()) return analyzed[i].status();
    const std::string id = (*analyzed[i])->document.id;
    UnindexLocked(id);
    versions_[id] = batch[i].version;
    if (!batch[i].matched) unmatched_.push_back(id);
    IndexLocked(*std::move(analyzed[i]));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LiveFeed::ApplyStoredEventsLocked(int64_t until) {
  bool applied = false;
  while (last_sequence_ < until) {
    const int64_t want = std::min<int64_t>(512, until - last_sequence_);
    ASSIGN_OR_RETURN(std::vector<MatchEvent> page, store_->EventsAfter(last_sequence_, static_cast<size_t>(want)));
    if (page.empty()) break;
    ApplyLocked(page);
    applied = true;
  }
  return applied;
}

absl::Status LiveFeed::ApplyOwnLocked(const std::vector<MatchEvent>& events) {
  // Under the matching lock nobody records between the catch-up and this
  // feed's Record; should a writer that does not take it have, its events
  // go first, in log order.
  if (!events.empty()) RETURN_IF_ERROR(ApplyStoredEventsLocked(events.front().sequence - 1).status());
  ApplyLocked(events);
  return absl::OkStatus();
}

absl::Status LiveFeed::FinishUnmatchedLocked(std::vector<MatchEvent>* events) {
  std::vector<std::string> ids = std::exchange(unmatched_, {});
  for (const std::string& id : ids) {
    // Matched meanwhile (by the replica that stored it), or replaced?
    ASSIGN_OR_RETURN(std::optional<StoredDocument> stored, store_->GetDocument(id));
    auto v = versions_.find(id);
    if (!stored || stored->matched || v == versions_.end() || v->second != stored->version) continue;
    ASSIGN_OR_RETURN(std::vector<MatchEvent> added, MatchLocked(*documents_.at(id)));
    RETURN_IF_ERROR(ApplyOwnLocked(added));
    events->insert(events->end(), added.begin(), added.end());
    ++rebuild_.rematched;
  }
  return absl::OkStatus();
}

absl::StatusOr<IngestResult> LiveFeed::Ingest(Document doc) {
  ASSIGN_OR_RETURN(std::unique_ptr<AnalyzedDocument> analyzed, engine_.Analyze(std::move(doc), "document"));
  IngestResult out;
  out.document_id = analyzed->document.id;
  out.statement_count = analyzed->statements.size();
  bool others = false;   // events other replicas recorded, applied now
  {
    ASSIGN_OR_RETURN(std::unique_ptr<MatchingLock> matching, store_->LockMatching());
    std::lock_guard<std::mutex> lock(mu_);
    ASSIGN_OR_RETURN(others, CatchUpLocked());
    std::vector<MatchEvent> finished;
    RETURN_IF_ERROR(FinishUnmatchedLocked(&finished));
    others |= !finished.empty();
    ASSIGN_OR_RETURN(PutOutcome put, store_->PutDocument(analyzed->document, analyzed->statements));
    out.result = put.result;
    out.version = put.version;
    if (put.result == PutResult::kUnchanged) {
      auto it = documents_.find(out.document_id);
      if (it != documents_.end()) out.statement_count = it->second->statements.size();
    } else {
      // Nothing else was stored since the catch-up: the cursor moves past
      // this version (otherwise the next catch-up reads it and skips it).
      if (put.order == document_cursor_ + 1) document_cursor_ = put.order;
      if (put.result == PutResult::kReplaced) {
        RETURN_IF_ERROR(ApplyOwnLocked(put.retracted));
        UnindexLocked(out.document_id);
        out.events = std::move(put.retracted);
      }
      const AnalyzedDocument* stored = analyzed.get();
      versions_[out.document_id] = put.version;
      IndexLocked(std::move(analyzed));
      absl::StatusOr<std::vector<MatchEvent>> events = MatchLocked(*stored);
      if (!events.ok()) {
        // Stored but not matched: the next ingest (under the lock) retries.
        unmatched_.push_back(out.document_id);
        return events.status();
      }
      RETURN_IF_ERROR(ApplyOwnLocked(*events));
      out.events.insert(out.events.end(), events->begin(), events->end());
    }
  }
  if (others || !out.events.empty()) Notify();
  return out;
}

absl::StatusOr<std::vector<MatchEvent>> LiveFeed::EventsAfter(int64_t cursor, size_t limit) {
  return store_->EventsAfter(cursor, limit);
}

int64_t LiveFeed::last_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sequence_;
}

size_t LiveFeed::statement_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return statements_;
}

int64_t LiveFeed::Subscribe(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  subscribers_.emplace_back(next_subscriber_, std::move(fn));
  return next_subscriber_++;
}

void LiveFeed::Unsubscribe(int64_t id) {
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(),
                                    [&](const auto& s) { return s.first == id; }),
                     subscribers_.end());
}

void LiveFeed::Notify() {
  // Under the lock, so that once Unsubscribe returns the callback never runs
  // again (a watcher may be deleted right after).
  std::lock_guard<std::mutex> lock(subscribers_mu_);
  for (const auto& [id, fn] : subscribers_) fn();
}

void LiveFeed::IndexLocked(std::unique_ptr<AnalyzedDocument> doc) {
  const AnalyzedDocument* d = doc.get();
  const bool persian = d->document.language == Language::kPersian;
  for (uint32_t i = 0; i < d->features.size(); ++i) {
    auto& index = persian ? persian_by_form_ : english_by_form_;
    for (uint32_t form : FormsOf(d->features[i])) index[form].push_back({d, i});
    auto& keys = persian ? persian_by_key_ : english_by_key_;
    for (uint64_t key : KeysOf(d->features[i])) keys[key].push_back({d, i});
  }
  statements_ += d->statements.size();
  documents_[d->document.id] = std::move(doc);
}

void LiveFeed::UnindexLocked(const std::string& document_id) {
  auto it = documents_.find(document_id);
  if (it == documents_.end()) return;
  const AnalyzedDocument* d = it->second.get();
  const bool persian = d->document.language == Language::kPersian;
  auto drop = [&](auto& index, const auto& keys) {
    for (const auto& k : keys) {
      auto p = index.find(k);
      if (p == index.end()) continue;
      auto& list = p->second;
      list.erase(std::remove_if(list.begin(), list.end(), [&](const Entry& e) { return e.doc == d; }), list.end());
      if (list.empty()) index.erase(p);
    }
  };
  for (const StatementFeatures& f : d->features) {
    drop(persian ? persian_by_form_ : english_by_form_, FormsOf(f));
    drop(persian ? persian_by_key_ : english_by_key_, KeysOf(f));
  }
  statements_ -= d->statements.size();
  documents_.erase(it);
}

void LiveFeed::ApplyLocked(const std::vector<MatchEvent>& events) {
  for (const MatchEvent& e : events) {
    last_sequence_ = std::max(last_sequence_, e.sequence);
    const Match& m = e.match;
    if (e.type == MatchEventType::kAdded) {
      const Best b{m.id, m.score, m};
      best_[m.english_statement] = b;
      best_[m.persian_statement] = b;
      continue;
    }
    for (const std::string* id : {&m.english_statement, &m.persian_statement}) {
      auto it = best_.find(*id);
      if (it != best_.end() && it->second.match_id == m.id) best_.erase(it);
    }
  }
}

absl::StatusOr<std::vector<MatchEvent>> LiveFeed::MatchLocked(const AnalyzedDocument& doc) {
  const Aligner& aligner = engine_.aligner();
  const bool persian = doc.document.language == Language::kPersian;
  const auto& other = persian ? english_by_form_ : persian_by_form_;
  const auto& other_keys = persian ? english_by_key_ : persian_by_key_;
  std::vector<MatchChange> changes;
  // Pairs decided in this batch, by statement id (index into changes), so
  // that two statements of one document compete for a counterpart.
  absl::flat_hash_map<std::string, size_t> pending;
  absl::flat_hash_map<std::string, bool> ended;   // live pairs superseded in this batch
  auto current = [&](const std::string& id) -> std::optional<std::pair<double, std::optional<size_t>>> {
    if (auto p = pending.find(id); p != pending.end()) return std::make_pair(changes[p->second].match.score, p->second);
    if (auto b = best_.find(id); b != best_.end() && !ended.contains(id)) {
      return std::make_pair(b->second.score, std::optional<size_t>());
    }
    return std::nullopt;
  };
  for (uint32_t i = 0; i < doc.features.size(); ++i) {
    const StatementFeatures& f = doc.features[i];
    absl::flat_hash_map<const StatementFeatures*, std::pair<uint32_t, const AnalyzedDocument*>> shared;
    auto add = [&](const std::vector<Entry>& list, uint32_t weight) {
      if (list.size() > kMaxPostings) return;
      for (const Entry& e : list) {
        const auto& pub_a = doc.document.published_unix_seconds;
        const auto& pub_b = e.doc->document.published_unix_seconds;
        if (pub_a && pub_b && std::llabs(*pub_a - *pub_b) > options_.window_seconds) continue;
        auto& slot = shared[&e.doc->features[e.index]];
        slot.first += weight;
        slot.second = e.doc;
      }
    };
    for (uint32_t form : FormsOf(f)) {
      if (auto p = other.find(form); p != other.end()) add(p->second, 1);
    }
    for (uint64_t key : KeysOf(f)) {
      if (auto p = other_keys.find(key); p != other_keys.end()) add(p->second, kKeyWeight);
    }
    std::vector<std::pair<uint32_t, const StatementFeatures*>> ranked;
    for (const auto& [cand, v] : shared) ranked.emplace_back(v.first, cand);
    const size_t keep = std::min(ranked.size(), options_.max_candidates);
    std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second->statement->id < b.second->statement->id;
    });
    double best_p = -1;
    const StatementFeatures* best_c = nullptr;
    for (size_t r = 0; r < keep; ++r) {
      const StatementFeatures* c = ranked[r].second;
      const StatementFeatures& en = persian ? *c : f;
      const StatementFeatures& fa = persian ? f : *c;
      const double p = aligner.Calibrate(aligner.LogOdds(en, fa));
      if (p > best_p || (p == best_p && best_c && c->statement->id < best_c->statement->id)) {
        best_p = p;
        best_c = c;
      }
    }
    if (best_c == nullptr || best_p < options_.min_score) continue;
    const std::string& cid = best_c->statement->id;
    const auto cur = current(cid);
    if (cur && cur->first >= best_p) continue;   // the counterpart keeps its better pair
    if (cur) {
      if (cur->second) {
        // Decided in this batch, not yet recorded: drop it.
        const Match& old = changes[*cur->second].match;
        pending.erase(old.english_statement);
        pending.erase(old.persian_statement);
        changes[*cur->second].type = MatchEventType::kRetracted;   // marker, removed below
        changes[*cur->second].match.id = -1;
      } else {
        const Best& b = best_.at(cid);
        changes.push_back({MatchEventType::kSuperseded, b.match});
        ended[b.match.english_statement] = true;
        ended[b.match.persian_statement] = true;
      }
    }
    const Statement& s = *f.statement;
    const Statement& c = *best_c->statement;
    const Statement& en = persian ? c : s;
    const Statement& fa = persian ? s : c;
    Match m;
    m.english_statement = en.id;
    m.persian_statement = fa.id;
    m.english_document = en.document_id;
    m.persian_document = fa.document_id;
    m.score = best_p;
    m.speaker = en.speaker;
    m.source = doc.document.source;
    m.new_side = doc.document.language;
    changes.push_back({MatchEventType::kAdded, std::move(m)});
    pending[en.id] = changes.size() - 1;
    pending[fa.id] = changes.size() - 1;
  }
  changes.erase(std::remove_if(changes.begin(), changes.end(),
                               [](const MatchChange& c) { return c.match.id == -1; }),
                changes.end());
  return store_->Record(doc.document.id, changes);
}

}  // namespace quotematch
