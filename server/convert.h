// File: server/convert.h
//
// Conversion between the v1 API messages and the domain structs, and the one
// function that maps absl::Status to grpc::Status. Used by the server and by
// the CLI (which prints the same messages whether it runs the engine
// in-process or calls a server).
#pragma once

#include <string_view>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"
#include "extract/statement.h"
#include "normalize/types.h"
#include "pipeline/engine.h"
#include "store/store.h"
#include "quotematch/v1/quotematch.pb.h"

namespace quotematch {

// The single mapping from domain errors to gRPC status (codes share names).
grpc::Status ToGrpcStatus(const absl::Status& status);

// `value` as a Language; INVALID_ARGUMENT naming `field` for values outside
// the enum. LANGUAGE_UNSPECIFIED maps to kUnspecified (callers decide).
absl::StatusOr<Language> LanguageFromProto(int value, std::string_view field);
v1::Language LanguageToProto(Language language);

// A Document from its message; `field` prefixes error messages.
absl::StatusOr<Document> DocumentFromProto(const v1::Document& doc, std::string_view field);
void DocumentToProto(const Document& doc, v1::Document* out);

void StatementToProto(const Statement& s, v1::Statement* out);
void PairToProto(const PairResult& p, v1::QuotePair* out);
void MatchEventToProto(const MatchEvent& e, v1::MatchEvent* out);
void NormalizedToProto(const NormalizedText& t, v1::NormalizeResponse* out);
// The messages of an AlignDocuments stream: pairs, then the summary.
std::vector<v1::AlignDocumentsResponse> AlignmentToProto(const AlignResult& r);

}  // namespace quotematch
