// File: server/transport.h
//
// The gRPC transport settings of a ServerConfig, as the server applies
// them: credentials (plaintext, TLS, or mutual TLS from PEM files) and the
// channel arguments for message sizes, keepalive enforcement, connection
// idle/age limits (MAX_CONNECTION_AGE, so that load balancers can
// rebalance long-lived HTTP/2 connections) and streams per connection.
//
//   ASSIGN_OR_RETURN(auto credentials, ServerCredentialsFor(config));
//   builder.AddListeningPort(config.listen, credentials, &port);
//   ApplyTransportOptions(config, &builder);
#pragma once

#include <memory>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace quotematch {

// Plaintext without tls_cert; TLS with it; mutual TLS (client certificate
// required and verified against tls_client_ca) with tls_client_ca.
// INVALID_ARGUMENT naming the key for a file that is unreadable or not PEM.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(const ServerConfig& config);

// Message size limits, keepalive, connection age and stream limits.
void ApplyTransportOptions(const ServerConfig& config, grpc::ServerBuilder* builder);

}  // namespace quotematch
