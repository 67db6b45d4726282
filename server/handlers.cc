#include "server/handlers.h"

#include "base/strings.h"
#include "server/convert.h"
#include "server/status_details.h"

namespace quotematch {

grpc::Status HandleNormalize(const Engine& engine, const v1::NormalizeRequest& request,
                             v1::NormalizeResponse* response) {
  auto language = LanguageFromProto(request.language(), "language");
  if (!language.ok()) return ToGrpcStatus(language.status());
  auto text = engine.Normalize(request.text(), *language, "text");
  if (!text.ok()) return ToGrpcStatus(text.status());
  NormalizedToProto(*text, response);
  return grpc::Status::OK;
}

grpc::Status HandleExtractStatements(const Engine& engine,
                                     const v1::ExtractStatementsRequest& request,
                                     v1::ExtractStatementsResponse* response) {
  if (!request.has_document()) {
    return InvalidArgument("document", "required");
  }
  auto doc = DocumentFromProto(request.document(), "document");
  if (!doc.ok()) return ToGrpcStatus(doc.status());
  auto statements = engine.Extract(*doc, "document");
  if (!statements.ok()) return ToGrpcStatus(statements.status());
  for (const Statement& s : *statements) StatementToProto(s, response->add_statements());
  return grpc::Status::OK;
}

grpc::Status HandleAlignDocuments(const Engine& engine, const v1::AlignDocumentsRequest& request,
                                  std::vector<v1::AlignDocumentsResponse>* responses) {
  if (!request.has_english()) return InvalidArgument("english", "required");
  if (!request.has_persian()) return InvalidArgument("persian", "required");
  auto en = DocumentFromProto(request.english(), "english");
  if (!en.ok()) return ToGrpcStatus(en.status());
  auto fa = DocumentFromProto(request.persian(), "persian");
  if (!fa.ok()) return ToGrpcStatus(fa.status());
  auto result = engine.Align(std::move(*en), std::move(*fa), request.min_score());
  if (!result.ok()) return ToGrpcStatus(result.status());
  *responses = AlignmentToProto(*result);
  return grpc::Status::OK;
}

namespace {

// A document that could not be used, as the streams report it.
void RejectionToProto(const std::string& document_id, const absl::Status& st, v1::DocumentRejected* out) {
  out->set_document_id(document_id);
  out->set_code(static_cast<int32_t>(st.code()));
  out->set_message(std::string(AsStd(st.message())));
}

// The document of one stream message, or why it cannot be used.
absl::StatusOr<Document> StreamedDocument(bool present, const v1::Document& doc) {
  if (!present) return absl::InvalidArgumentError("document: required");
  return DocumentFromProto(doc, "document");
}

}  // namespace

grpc::Status MatchStreamHandler::OnRequest(const v1::MatchStreamRequest& request,
                                           std::vector<v1::MatchStreamResponse>* responses) {
  if (session_ == nullptr) {
    auto threshold = engine_.ResolveMinScore(request.min_score(), "min_score");
    if (!threshold.ok()) return ToGrpcStatus(threshold.status());
    session_ = std::make_unique<MatchSession>(engine_, *threshold);
  }
  auto reject = [&](const absl::Status& st) {
    RejectionToProto(request.document().id(), st, responses->emplace_back().mutable_rejected());
    return grpc::Status::OK;
  };
  auto doc = StreamedDocument(request.has_document(), request.document());
  if (!doc.ok()) return reject(doc.status());
  auto update = session_->Add(std::move(*doc), "document");
  if (!update.ok()) return reject(update.status());
  v1::DocumentAccepted* accepted = responses->emplace_back().mutable_accepted();
  accepted->set_document_id(update->document_id);
  accepted->set_statement_count(static_cast<uint32_t>(update->statement_count));
  for (const PairResult& p : update->new_pairs) PairToProto(p, responses->emplace_back().mutable_pair());
  return grpc::Status::OK;
}

grpc::Status IngestHandler::OnRequest(const v1::IngestDocumentsRequest& request,
                                      std::vector<v1::IngestDocumentsResponse>* responses) {
  auto reject = [&](const absl::Status& st) {
    RejectionToProto(request.document().id(), st, responses->emplace_back().mutable_rejected());
    return grpc::Status::OK;
  };
  auto doc = StreamedDocument(request.has_document(), request.document());
  if (!doc.ok()) return reject(doc.status());
  auto result = feed_.Ingest(std::move(*doc));
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    if (code == absl::StatusCode::kInvalidArgument || code == absl::StatusCode::kResourceExhausted) {
      return reject(result.status());
    }
    return ToGrpcStatus(result.status());
  }
  if (on_stored_) on_stored_(*result);
  v1::DocumentStored* stored = responses->emplace_back().mutable_stored();
  stored->set_document_id(result->document_id);
  stored->set_statement_count(static_cast<uint32_t>(result->statement_count));
  stored->set_version(result->version);
  stored->set_outcome(result->result == PutResult::kNew        ? v1::INGEST_OUTCOME_NEW
                      : result->result == PutResult::kReplaced ? v1::INGEST_OUTCOME_REPLACED
                                                               : v1::INGEST_OUTCOME_UNCHANGED);
  stored->set_last_sequence(result->events.empty() ? 0 : result->events.back().sequence);
  return grpc::Status::OK;
}

grpc::Status ValidateWatch(const v1::WatchMatchesRequest& request) {
  if (request.after_sequence() < 0) {
    return InvalidArgument("after_sequence", "must not be negative");
  }
  if (!(request.min_score() >= 0 && request.min_score() <= 1)) {
    return InvalidArgument("min_score", "must be in [0, 1]");
  }
  if (request.new_side() != v1::LANGUAGE_UNSPECIFIED && request.new_side() != v1::LANGUAGE_ENGLISH &&
      request.new_side() != v1::LANGUAGE_PERSIAN) {
    return InvalidArgument("new_side", "unknown language");
  }
  return grpc::Status::OK;
}

bool WatchFilterAccepts(const v1::WatchMatchesRequest& request, const MatchEvent& event) {
  const Match& m = event.match;
  if (m.score < request.min_score()) return false;
  if (!request.source().empty() && m.source != request.source()) return false;
  if (request.new_side() != v1::LANGUAGE_UNSPECIFIED && static_cast<int>(m.new_side) != request.new_side()) {
    return false;
  }
  if (!request.speaker().empty() &&
      NameKey(request.speaker(), Language::kEnglish) != NameKey(m.speaker, Language::kEnglish)) {
    return false;
  }
  return true;
}

}  // namespace quotematch
