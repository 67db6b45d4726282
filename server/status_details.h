// File: server/status_details.h
//
// gRPC statuses with google.rpc error details (proto/third_party/google/rpc),
// carried in the `grpc-status-details-bin` trailer as a serialized
// google.rpc.Status whose code and message equal the grpc::Status's. Every
// INVALID_ARGUMENT the server returns carries a BadRequest naming the field;
// a limit carries QuotaFailure; a rate limit also RetryInfo; authentication
// and permission errors carry ErrorInfo with a reason.
//
//   return InvalidArgument("english.text", "must not be empty");
//   // → INVALID_ARGUMENT "english.text: must not be empty"
//   //   + BadRequest{field_violations: [{field: "english.text", ...}]}
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace quotematch {

// INVALID_ARGUMENT "field: description" with a BadRequest field violation.
grpc::Status InvalidArgument(std::string_view field, std::string_view description);

// RESOURCE_EXHAUSTED with a QuotaFailure violation {subject, description}.
grpc::Status QuotaExceeded(std::string_view subject, std::string_view description);

// RESOURCE_EXHAUSTED for a rate limit: QuotaFailure and RetryInfo(retry_after).
grpc::Status RateLimited(std::string_view subject, std::string_view description,
                         std::chrono::milliseconds retry_after);

// UNAUTHENTICATED / PERMISSION_DENIED with ErrorInfo{reason, domain "quotematch"}.
grpc::Status Unauthenticated(std::string_view reason, std::string_view message);
grpc::Status PermissionDenied(std::string_view reason, std::string_view message);

// Adds details to a status from a message of the form "field: description"
// (the convention of every domain error): INVALID_ARGUMENT gets a
// BadRequest and RESOURCE_EXHAUSTED a QuotaFailure with that field. Other
// codes, and messages without a field, are returned unchanged.
grpc::Status WithFieldDetails(grpc::Status status);

// The google.rpc.Status of `status`'s details; false if it has none or they
// do not parse.
bool DecodeDetails(const grpc::Status& status, google::rpc::Status* out);

}  // namespace quotematch
