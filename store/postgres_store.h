// File: store/postgres_store.h
//
// The shared Store: one PostgreSQL database used by any number of server
// replicas at once (libpq). Same semantics as the SQLite store: every call
// is one transaction, event sequences are 1, 2, 3, ... with no gaps (a
// one-row counter updated inside the recording transaction, never a
// SEQUENCE, which skips numbers on rollback) and become visible in
// sequence order (the counter's row lock is held until commit).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
//                    OpenPostgresStore("postgresql://quotematch@db:5432/feed"));
//   store->Listen([&] { /* another replica committed: catch up */ });
//
// Across replicas:
//   - LockMatching takes a session advisory lock (pg_advisory_lock) on a
//     connection of its own, so one matcher at a time decides pairs. While
//     it is held, the store's Record and PutDocument are fenced: they fail
//     with ABORTED if anyone else recorded events since the lock was taken
//     (the lock was lost with its connection and another replica took it).
//   - Record, and PutDocument when it retracts, send NOTIFY on the channel
//     kPostgresFeedChannel in their transaction (delivered at commit);
//     Listen runs a thread with its own connection that LISTENs, polls its
//     socket with a 200 ms timeout (so the destructor returns promptly),
//     and reconnects when the connection drops.
//
// Threading: data calls share one connection behind a mutex. The live feed
// serializes its writes anyway, reads are single short queries, and one
// connection per replica keeps the server's connection count predictable;
// replicas, not connections, are how the feed scales.
//
// The schema carries a version, like SQLite's: opening creates or migrates
// it (under a transaction-scoped advisory lock, so replicas starting
// together do it once); a newer one is refused.
//
// Errors: UNAVAILABLE when the server cannot be reached (or the connection
// breaks), FAILED_PRECONDITION for a schema newer than this build, ABORTED
// for a fenced write (above), INTERNAL otherwise; messages carry libpq's text, never the URL's password.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace quotematch {

inline constexpr int kPostgresSchemaVersion = 1;
inline constexpr char kPostgresFeedChannel[] = "quotematch_feed";

// `url`: a libpq connection URI, postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?...]
// (or postgresql://).
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

// True for postgres:// and postgresql:// URLs.
bool IsPostgresUrl(std::string_view url);

// `url` with its password, if any, replaced by "***" (for logs and
// --print-config); other text unchanged.
std::string RedactPostgresUrl(std::string_view url);

}  // namespace quotematch
