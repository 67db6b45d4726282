#include "server/status_details.h"

#include "base/strings.h"

namespace quotematch {
namespace {

constexpr char kDomain[] = "quotematch";

grpc::Status Make(grpc::StatusCode code, std::string message,
                  std::initializer_list<const google::protobuf::Message*> details) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int32_t>(code));
  rpc.set_message(message);
  for (const google::protobuf::Message* d : details) rpc.add_details()->PackFrom(*d);
  return grpc::Status(code, std::move(message), rpc.SerializeAsString());
}

google::rpc::QuotaFailure Quota(std::string_view subject, std::string_view description) {
  google::rpc::QuotaFailure q;
  auto* v = q.add_violations();
  v->set_subject(std::string(subject));
  v->set_description(std::string(description));
  return q;
}

google::rpc::ErrorInfo Info(std::string_view reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kDomain);
  return info;
}

// "field: description" → (field, description); false if the message has no
// field (a field path has no spaces and ends at the first ": ").
bool SplitField(std::string_view message, std::string_view* field, std::string_view* description) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view f = message.substr(0, colon);
  if (f.find(' ') != std::string_view::npos) return false;
  *field = f;
  *description = message.substr(colon + 2);
  return true;
}

}  // namespace

grpc::Status InvalidArgument(std::string_view field, std::string_view description) {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field(std::string(field));
  v->set_description(std::string(description));
  return Make(grpc::StatusCode::INVALID_ARGUMENT, StrCat(field, ": ", description), {&bad});
}

grpc::Status QuotaExceeded(std::string_view subject, std::string_view description) {
  const google::rpc::QuotaFailure q = Quota(subject, description);
  return Make(grpc::StatusCode::RESOURCE_EXHAUSTED, StrCat(subject, ": ", description), {&q});
}

grpc::Status RateLimited(std::string_view subject, std::string_view description,
                         std::chrono::milliseconds retry_after) {
  const google::rpc::QuotaFailure q = Quota(subject, description);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_after.count() / 1000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(retry_after.count() % 1000) * 1000000);
  return Make(grpc::StatusCode::RESOURCE_EXHAUSTED,
              StrCat(subject, ": ", description, "; retry after ", retry_after.count(), " ms"), {&q, &retry});
}

grpc::Status Unauthenticated(std::string_view reason, std::string_view message) {
  const google::rpc::ErrorInfo info = Info(reason);
  return Make(grpc::StatusCode::UNAUTHENTICATED, std::string(message), {&info});
}

grpc::Status PermissionDenied(std::string_view reason, std::string_view message) {
  const google::rpc::ErrorInfo info = Info(reason);
  return Make(grpc::StatusCode::PERMISSION_DENIED, std::string(message), {&info});
}

grpc::Status WithFieldDetails(grpc::Status status) {
  if (!status.error_details().empty()) return status;
  std::string_view field, description;
  const std::string message = status.error_message();
  if (!SplitField(message, &field, &description)) return status;
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) return InvalidArgument(field, description);
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) return QuotaExceeded(field, description);
  return status;
}

bool DecodeDetails(const grpc::Status& status, google::rpc::Status* out) {
  return !status.error_details().empty() && out->ParseFromString(status.error_details());
}

}  // namespace quotematch
