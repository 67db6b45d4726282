// File: store/sqlite_store.h
//
// The embedded Store: one SQLite file in WAL mode with synchronous=FULL (a
// commit is on disk when it returns). The schema carries a version; opening
// an older file migrates it forward, a newer one is refused. For one
// process: LockMatching and Listen are the interface's no-op defaults.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore("quotematch.db"));
//
// Errors: UNAVAILABLE when the file cannot be opened or written,
// FAILED_PRECONDITION for a schema newer than this build, INTERNAL for
// SQLite errors otherwise; messages carry SQLite's text.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace quotematch {

inline constexpr int kSqliteSchemaVersion = 2;

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace quotematch
