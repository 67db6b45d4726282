#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "base/strings.h"
#include "store/postgres_store.h"

namespace quotematch {
namespace {

struct Key {
  const char* name;
  const char* help;
  // Parses and range-checks `value` into the config; the error says what is
  // wrong with the value (the caller adds the key and source).
  std::function<absl::Status(std::string_view value, ServerConfig*)> set;
  std::function<std::string(const ServerConfig&)> get;
  bool is_bool = false;
};

Key Int(const char* name, int ServerConfig::*field, int min, int max, const char* help) {
  return {name, help,
          [=](std::string_view v, ServerConfig* c) -> absl::Status {
            const std::string s(v);
            char* end = nullptr;
            errno = 0;
            const long n = std::strtol(s.c_str(), &end, 10);
            if (s.empty() || *end != '\0' || errno == ERANGE) {
              return absl::InvalidArgumentError(StrCat("\"", s, "\" is not an integer"));
            }
            if (n < min) return absl::InvalidArgumentError(StrCat("must be >= ", min, ", got ", n));
            if (n > max) return absl::InvalidArgumentError(StrCat("must be <= ", max, ", got ", n));
            c->*field = static_cast<int>(n);
            return absl::OkStatus();
          },
          [=](const ServerConfig& c) { return std::to_string(c.*field); }};
}

Key Double(const char* name, double ServerConfig::*field, double min, double max, bool min_open,
           const char* help) {
  return {name, help,
          [=](std::string_view v, ServerConfig* c) -> absl::Status {
            const std::string s(v);
            char* end = nullptr;
            const double x = std::strtod(s.c_str(), &end);
            if (s.empty() || *end != '\0' || !std::isfinite(x)) {
              return absl::InvalidArgumentError(StrCat("\"", s, "\" is not a number"));
            }
            if (x < min || (min_open && x == min) || x > max) {
              return absl::InvalidArgumentError(
                  StrCat("must be in ", min_open ? "(" : "[", min, ", ", max, "], got ", s));
            }
            c->*field = x;
            return absl::OkStatus();
          },
          [=](const ServerConfig& c) {
            std::ostringstream out;
            out << c.*field;
            return out.str();
          }};
}

Key String(const char* name, std::string ServerConfig::*field, const char* help) {
  return {name, help,
          [=](std::string_view v, ServerConfig* c) {
            c->*field = std::string(v);
            return absl::OkStatus();
          },
          [=](const ServerConfig& c) { return c.*field; }};
}

Key Bool(const char* name, bool ServerConfig::*field, const char* help) {
  Key k{name, help,
        [=](std::string_view v, ServerConfig* c) -> absl::Status {
          if (v == "true" || v == "1" || v == "yes") c->*field = true;
          else if (v == "false" || v == "0" || v == "no") c->*field = false;
          else return absl::InvalidArgumentError(StrCat("\"", v, "\" is not true or false"));
          return absl::OkStatus();
        },
        [=](const ServerConfig& c) { return std::string(c.*field ? "true" : "false"); }};
  k.is_bool = true;
  return k;
}

// `key` shown through `redact` (--print-config, --help): for values that
// may carry a password.
Key Secret(Key key, std::string (*redact)(std::string_view)) {
  key.get = [get = key.get, redact](const ServerConfig& c) { return redact(get(c)); };
  return key;
}

constexpr int kMaxInt = 1 << 30;

const std::vector<Key>& Keys() {
  static const std::vector<Key> keys = {
      String("listen", &ServerConfig::listen, "address to listen on, HOST:PORT; port 0 picks a free port"),
      String("port_file", &ServerConfig::port_file, "if set, write the bound port to this file once serving (and the health_listen port on a second line)"),
      Int("workers", &ServerConfig::workers, 0, 1024, "worker threads for CPU work (0 = number of cores)"),
      Int("inline_request_bytes", &ServerConfig::inline_request_bytes, 0, kMaxInt,
          "unary and AlignDocuments requests up to this size run on the gRPC thread that received them "
          "(no thread switch); larger ones on the workers; 0 = always the workers"),
      Int("drain_seconds", &ServerConfig::drain_seconds, 0, 3600, "grace period for in-flight calls on shutdown"),
      Double("min_score", &ServerConfig::min_score, 0, 1, true, "default pair threshold when a request asks for 0"),
      String("db", &ServerConfig::db,
             "the live feed's SQLite database (created if missing); empty disables IngestDocuments and WatchMatches"),
      Secret(String("store", &ServerConfig::store,
                    "the live feed's PostgreSQL store, a libpq URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB "
                    "(or postgresql://), shared by every replica; instead of db (giving both is an error); "
                    "shown with the password masked"),
             RedactPostgresUrl),
      Int("feed_window_days", &ServerConfig::feed_window_days, 0, 36500,
          "live matching pairs documents published at most this many days apart"),
      Double("feed_min_score", &ServerConfig::feed_min_score, 0, 1, true,
             "live matching publishes pairs scoring at least this"),
      Int("max_message_bytes", &ServerConfig::max_message_bytes, 1024, kMaxInt,
          "largest gRPC message received or sent, in bytes"),
      Int("max_document_bytes", &ServerConfig::max_document_bytes, 1, kMaxInt,
          "largest document or Normalize text, in bytes (RESOURCE_EXHAUSTED beyond)"),
      Int("max_statements_per_document", &ServerConfig::max_statements_per_document, 1, kMaxInt,
          "most statements one document may yield (RESOURCE_EXHAUSTED beyond)"),
      Int("max_concurrent_streams", &ServerConfig::max_concurrent_streams, 1, kMaxInt,
          "HTTP/2 streams (calls) open at once on one connection"),
      Int("max_streams", &ServerConfig::max_streams, 1, kMaxInt,
          "AlignDocuments, MatchStream and IngestDocuments calls open at once (RESOURCE_EXHAUSTED beyond)"),
      Int("max_watchers", &ServerConfig::max_watchers, 1, kMaxInt,
          "WatchMatches calls open at once (RESOURCE_EXHAUSTED beyond)"),
      Double("rate_limit_rps", &ServerConfig::rate_limit_rps, 0, 1e9, false,
             "calls per second per token, or per peer without authentication; 0 = unlimited"),
      Int("rate_limit_burst", &ServerConfig::rate_limit_burst, 0, kMaxInt,
          "calls a token may make at once above its rate; 0 = max(1, rate_limit_rps)"),
      String("tls_cert", &ServerConfig::tls_cert, "PEM certificate chain; serves TLS when set (with tls_key)"),
      String("tls_key", &ServerConfig::tls_key, "PEM private key of tls_cert"),
      String("tls_client_ca", &ServerConfig::tls_client_ca,
             "PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS)"),
      String("auth_tokens", &ServerConfig::auth_tokens,
             "bearer token file (TOKEN SCOPES NAME per line), reloaded on SIGHUP; empty = no authentication"),
      Int("keepalive_time_seconds", &ServerConfig::keepalive_time_seconds, 1, kMaxInt,
          "ping a connection idle this long"),
      Int("keepalive_timeout_seconds", &ServerConfig::keepalive_timeout_seconds, 1, kMaxInt,
          "close a connection whose ping goes unanswered this long"),
      Int("min_client_ping_interval_seconds", &ServerConfig::min_client_ping_interval_seconds, 1, kMaxInt,
          "clients pinging more often than this (without calls) get GOAWAY"),
      Int("max_connection_idle_seconds", &ServerConfig::max_connection_idle_seconds, 0, kMaxInt,
          "close a connection with no calls for this long (0 = never)"),
      Int("max_connection_age_seconds", &ServerConfig::max_connection_age_seconds, 0, kMaxInt,
          "send GOAWAY to a connection this old, so clients reconnect and load balancers rebalance (0 = never)"),
      Int("max_connection_age_grace_seconds", &ServerConfig::max_connection_age_grace_seconds, 0, kMaxInt,
          "after that GOAWAY, let calls in flight run this long"),
      String("metrics_listen", &ServerConfig::metrics_listen,
             "HOST:PORT to serve Prometheus /metrics on; empty = no metrics endpoint"),
      String("health_listen", &ServerConfig::health_listen,
             "HOST:PORT to serve grpc.health.v1 alone on, in plaintext even when listen uses TLS (for "
             "Kubernetes gRPC probes, which cannot use TLS); empty = health on listen only"),
      Bool("channelz", &ServerConfig::channelz, "register the gRPC channelz service (connection introspection)"),
  };
  return keys;
}

const Key* FindKey(std::string_view name) {
  for (const Key& k : Keys()) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::string EnvName(std::string_view key) {
  std::string out = "QM_";
  for (char c : key) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

absl::Status Apply(std::string_view key, std::string_view value, const std::string& source, ServerConfig* c) {
  const Key* k = FindKey(key);
  if (k == nullptr) return absl::InvalidArgumentError(StrCat(source, ": unknown key \"", key, "\""));
  if (absl::Status st = k->set(value, c); !st.ok()) {
    return absl::InvalidArgumentError(StrCat(source, ": ", key, ": ", st.message()));
  }
  c->sources[k->name] = source;
  return absl::OkStatus();
}

absl::Status ApplyFile(const std::string& path, ServerConfig* c) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(StrCat("config: cannot read ", path));
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view l = line;
    // A # starts a comment unless it is inside a quoted value.
    bool quoted = false;
    for (size_t i = 0; i < l.size(); ++i) {
      if (l[i] == '"') quoted = !quoted;
      if (l[i] == '#' && !quoted) {
        l = l.substr(0, i);
        break;
      }
    }
    l = Trim(l);
    if (l.empty()) continue;
    const std::string source = StrCat(path, ":", number);
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat(source, ": expected key = value, got \"", l, "\""));
    }
    const std::string_view key = Trim(l.substr(0, eq));
    std::string_view value = Trim(l.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (absl::Status st = Apply(key, value, source, c); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status Validate(const ServerConfig& c) {
  auto err = [&](std::string_view key, std::string_view what) {
    auto it = c.sources.find(std::string(key));
    const std::string source = it == c.sources.end() ? "default" : it->second;
    return absl::InvalidArgumentError(StrCat(source, ": ", key, ": ", what));
  };
  if (c.listen.empty() || c.listen.rfind(':') == std::string::npos) return err("listen", "must be HOST:PORT");
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return err(c.tls_cert.empty() ? "tls_cert" : "tls_key", "tls_cert and tls_key must be given together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    return err("tls_client_ca", "mutual TLS needs tls_cert and tls_key too");
  }
  for (const char* key : {"tls_cert", "tls_key", "tls_client_ca", "auth_tokens"}) {
    const std::string path = FindKey(key)->get(c);
    if (!path.empty() && !std::ifstream(path)) return err(key, StrCat("cannot read ", path));
  }
  if (!c.store.empty()) {
    if (!IsPostgresUrl(c.store)) return err("store", "must be a postgres:// or postgresql:// URL");
    // db = "" next to store is fine: it says "no SQLite".
    if (c.sources.count("db") && !c.db.empty()) {
      return err("store", "give either db (SQLite) or store (PostgreSQL), not both");
    }
  }
  // Separate endpoints: HOST:PORT each, and no two on one fixed port.
  auto fixed_port = [](const std::string& a) { return a.substr(a.rfind(':')) != ":0"; };
  for (const char* key : {"metrics_listen", "health_listen"}) {
    const std::string address = FindKey(key)->get(c);
    if (address.empty()) continue;
    if (address.rfind(':') == std::string::npos) return err(key, "must be HOST:PORT");
    if (address == c.listen && fixed_port(address)) return err(key, "must differ from listen");
  }
  if (!c.health_listen.empty() && c.health_listen == c.metrics_listen && fixed_port(c.health_listen)) {
    return err("health_listen", "must differ from metrics_listen");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerConfig> LoadServerConfig(int argc, const char* const* argv, const char* const* env,
                                              bool* print_config) {
  ServerConfig c;
  if (print_config != nullptr) *print_config = false;
  // Command-line arguments as (key, value) pairs; --config and
  // --print-config are not keys.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--") return absl::InvalidArgumentError(StrCat("unexpected argument \"", a, "\""));
    a.remove_prefix(2);
    std::string key(a.substr(0, a.find('=')));
    std::replace(key.begin(), key.end(), '-', '_');
    std::optional<std::string> value;
    if (a.find('=') != std::string_view::npos) value = std::string(a.substr(a.find('=') + 1));
    if (key == "print_config") {
      if (print_config != nullptr) *print_config = true;
      continue;
    }
    const Key* k = FindKey(key);
    if (key != "config" && k == nullptr) return absl::InvalidArgumentError(StrCat("flag --", key, ": unknown flag"));
    if (!value) {
      if (k != nullptr && k->is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(StrCat("flag --", key, ": missing value"));
      }
    }
    if (key == "config") config_path = *value;
    else flags.emplace_back(key, *value);
  }
  std::map<std::string, std::string> environment;
  for (const char* const* e = env; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos) environment[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  if (config_path.empty() && environment.count("QM_CONFIG")) config_path = environment["QM_CONFIG"];
  if (!config_path.empty()) {
    if (absl::Status st = ApplyFile(config_path, &c); !st.ok()) return st;
    c.config = config_path;
  }
  for (const Key& k : Keys()) {
    const std::string name = EnvName(k.name);
    auto it = environment.find(name);
    if (it == environment.end()) continue;
    if (absl::Status st = Apply(k.name, it->second, "env " + name, &c); !st.ok()) return st;
  }
  for (const auto& [key, value] : flags) {
    if (absl::Status st = Apply(key, value, "flag --" + key, &c); !st.ok()) return st;
  }
  if (absl::Status st = Validate(c); !st.ok()) return st;
  return c;
}

std::string PrintConfig(const ServerConfig& config) {
  std::string out = "# quotematch-server effective configuration";
  if (!config.config.empty()) out += StrCat(" (config file ", config.config, ")");
  out += "\n";
  for (const Key& k : Keys()) {
    auto it = config.sources.find(k.name);
    std::string value = k.get(config);
    if (value.empty() || value.find_first_of(" #\"") != std::string::npos) value = "\"" + value + "\"";
    out += StrCat(k.name, " = ", value, "  # ", it == config.sources.end() ? "default" : it->second, "\n");
  }
  return out;
}

std::string ConfigHelp() {
  const ServerConfig defaults;
  std::string out;
  for (const Key& k : Keys()) {
    std::string value = k.get(defaults);
    if (value.empty()) value = "\"\"";
    out += StrCat("  --", k.name, " (default ", value, ", env ", EnvName(k.name), ")\n      ", k.help, "\n");
  }
  return out;
}

}  // namespace quotematch
