#include "server/transport.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <iterator>

#include <grpc/grpc.h>
#include <grpcpp/security/server_credentials.h>

#include "base/status_macros.h"
#include "base/strings.h"

namespace quotematch {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return absl::InvalidArgumentError(StrCat(key, ": cannot read ", path));
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(StrCat(key, ": ", path, " is not PEM"));
  }
  return pem;
}

}  // namespace

// TLS (or mutual TLS) from the config's PEM files, or plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(const ServerConfig& c) {
  if (c.tls_cert.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.private_key, ReadPem("tls_key", c.tls_key));
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPem("tls_cert", c.tls_cert));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!c.tls_client_ca.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem("tls_client_ca", c.tls_client_ca));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

void ApplyTransportOptions(const ServerConfig& config, grpc::ServerBuilder* builder) {
  // gRPC itself refuses messages past twice the limit (RESOURCE_EXHAUSTED
  // without details); the service refuses those past the limit with a
  // QuotaFailure naming max_message_bytes.
  builder->SetMaxReceiveMessageSize(static_cast<int>(std::min<int64_t>(int64_t{config.max_message_bytes} * 2, INT_MAX)));
  builder->SetMaxSendMessageSize(config.max_message_bytes);
  // Connection management, so that probes, proxies and load balancers work:
  // keepalive pings both ways, and connections that age out to rebalance.
  auto ms = [](int seconds) {   // 0 = never
    return seconds > 0 ? static_cast<int>(std::min<int64_t>(int64_t{seconds} * 1000, INT_MAX)) : INT_MAX;
  };
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(config.keepalive_time_seconds));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(config.keepalive_timeout_seconds));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                              ms(config.min_client_ping_interval_seconds));
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder->AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(config.max_connection_idle_seconds));
  builder->AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(config.max_connection_age_seconds));
  builder->AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, ms(config.max_connection_age_grace_seconds));
  builder->AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, config.max_concurrent_streams);
}

}  // namespace quotematch
