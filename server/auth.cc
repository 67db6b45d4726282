#include "server/auth.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "base/status_macros.h"
#include "base/strings.h"

namespace quotematch {
namespace {

constexpr size_t kMinTokenLength = 16;

absl::StatusOr<int> ParseScopes(std::string_view list) {
  int scopes = 0;
  for (std::string_view s : Split(list, ',')) {
    if (s == "read") scopes |= static_cast<int>(Scope::kRead);
    else if (s == "ingest") scopes |= static_cast<int>(Scope::kIngest);
    else return absl::InvalidArgumentError(StrCat("unknown scope \"", s, "\" (known: read, ingest)"));
  }
  return scopes;
}

const char* ScopeName(Scope s) { return s == Scope::kIngest ? "ingest" : "read"; }

}  // namespace

absl::StatusOr<std::shared_ptr<const TokenStore::Table>> TokenStore::Parse(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(StrCat("auth_tokens: cannot read ", path));
  auto table = std::make_shared<Table>();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string token, scopes, name, extra;
    if (!(fields >> token)) continue;
    const std::string where = StrCat(path, ":", number, ": ");
    if (!(fields >> scopes >> name) || (fields >> extra)) {
      return absl::InvalidArgumentError(StrCat(where, "expected TOKEN SCOPES NAME"));
    }
    if (token.size() < kMinTokenLength) {
      return absl::InvalidArgumentError(StrCat(where, "token shorter than ", kMinTokenLength, " characters"));
    }
    auto parsed = ParseScopes(scopes);
    if (!parsed.ok()) return absl::InvalidArgumentError(StrCat(where, parsed.status().message()));
    if (!table->emplace(token, Entry{name, *parsed}).second) {
      return absl::InvalidArgumentError(StrCat(where, "duplicate token (name ", name, ")"));
    }
  }
  return std::shared_ptr<const Table>(std::move(table));
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::Load(std::string path) {
  std::unique_ptr<TokenStore> store(new TokenStore(std::move(path)));
  ASSIGN_OR_RETURN(store->table_, Parse(store->path_));
  return store;
}

absl::Status TokenStore::Reload() {
  ASSIGN_OR_RETURN(std::shared_ptr<const Table> table, Parse(path_));
  std::lock_guard<std::mutex> lock(mu_);
  table_ = std::move(table);
  return absl::OkStatus();
}

size_t TokenStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return table_->size();
}

absl::StatusOr<std::string> TokenStore::Authorize(std::string_view header, Scope scope) const {
  if (header.empty()) {
    return absl::UnauthenticatedError("TOKEN_MISSING: send the metadata \"authorization: Bearer TOKEN\"");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return absl::UnauthenticatedError("TOKEN_MALFORMED: authorization must be \"Bearer TOKEN\"");
  }
  const std::string token(header.substr(kBearer.size()));
  std::shared_ptr<const Table> table;
  {
    std::lock_guard<std::mutex> lock(mu_);
    table = table_;
  }
  auto it = table->find(token);
  if (it == table->end()) return absl::UnauthenticatedError("TOKEN_UNKNOWN: the bearer token is not valid");
  if ((it->second.scopes & static_cast<int>(scope)) == 0) {
    return absl::PermissionDeniedError(
        StrCat("SCOPE_MISSING: token \"", it->second.name, "\" lacks the scope ", ScopeName(scope)));
  }
  return it->second.name;
}

RateLimiter::RateLimiter(double rate, int burst)
    : rate_(rate), burst_(burst > 0 ? burst : std::max(1.0, rate)) {}

std::chrono::milliseconds RateLimiter::Acquire(const std::string& caller, Clock::time_point now) {
  if (rate_ <= 0) return std::chrono::milliseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(caller, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.updated = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::chrono::milliseconds(0);
  }
  const double wait_s = (1 - b.tokens) / rate_;
  return std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_s * 1000))));
}

}  // namespace quotematch
