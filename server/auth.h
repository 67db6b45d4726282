// File: server/auth.h
//
// Bearer-token authentication and per-caller rate limits for the service.
//
// Token file (config key auth_tokens), one token per line:
//
//   # TOKEN                            SCOPES        NAME
//   3f9a0c...e1 (at least 16 chars)    read,ingest   feed-writer
//   77b2d4...09                        read          dashboard
//
// SCOPES is a comma list of `read` (Normalize, ExtractStatements,
// AlignDocuments, MatchStream, WatchMatches) and `ingest`
// (IngestDocuments). NAME identifies the caller in logs, metrics and rate
// limits; the token itself is never logged. `#` starts a comment. Clients
// send `authorization: Bearer TOKEN`. Reload() rereads the file (the
// server calls it on SIGHUP); a file that does not load leaves the tokens
// in force unchanged and returns the error.
//
//   auto tokens = TokenStore::Load("/etc/quotematch/tokens");
//   absl::StatusOr<std::string> who = (*tokens)->Authorize(header, Scope::kIngest);
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"

namespace quotematch {

enum class Scope { kRead = 1, kIngest = 2 };

class TokenStore {
 public:
  static absl::StatusOr<std::unique_ptr<TokenStore>> Load(std::string path);

  // The caller's NAME for an `authorization` header value (empty if the
  // header is absent). UNAUTHENTICATED if absent, not "Bearer TOKEN" or an
  // unknown token; PERMISSION_DENIED if the token lacks `scope`. The
  // status message starts with the reason: TOKEN_MISSING, TOKEN_MALFORMED,
  // TOKEN_UNKNOWN or SCOPE_MISSING. Thread-safe.
  absl::StatusOr<std::string> Authorize(std::string_view header, Scope scope) const;

  // Rereads the file; on error the old tokens stay. Thread-safe.
  absl::Status Reload();

  size_t size() const;
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::string name;
    int scopes = 0;   // bits of Scope
  };
  using Table = std::unordered_map<std::string, Entry>;

  explicit TokenStore(std::string path) : path_(std::move(path)) {}
  static absl::StatusOr<std::shared_ptr<const Table>> Parse(const std::string& path);

  const std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const Table> table_;   // swapped whole on reload
};

// Token buckets keyed by caller: each caller may make `burst` calls at
// once and `rate` per second on average. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate <= 0 disables the limiter (Acquire always admits).
  RateLimiter(double rate, int burst);

  // Takes one call from `caller`'s bucket: 0 if admitted, otherwise how
  // long until a call would be.
  std::chrono::milliseconds Acquire(const std::string& caller, Clock::time_point now = Clock::now());

  double rate() const { return rate_; }
  int burst() const { return static_cast<int>(burst_); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace quotematch
