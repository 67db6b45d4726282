// The gRPC service end to end, over an in-process channel and over a real
// 127.0.0.1 port (ephemeral), with the same expectations on both.
#include <future>
#include <memory>
#include <string>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.grpc.pb.h"
#include "server/handlers.h"
#include "server/service.h"
#include "server/work_queue.h"

namespace quotematch {
namespace {

const char kEn[] = "Karimi said: \"Iran respects the sovereignty of its neighbours.\"";
const char kFa[] = "کریمی گفت: «ایران به حاکمیت همسایگان خود احترام می‌گذارد.»";

v1::Document Doc(const std::string& id, v1::Language lang, const std::string& text) {
  v1::Document d;
  d.set_id(id);
  d.set_language(lang);
  d.set_text(text);
  return d;
}

class ServiceTest : public ::testing::TestWithParam<bool /*real port*/> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.max_document_bytes = 64 * 1024;
    engine_ = std::make_unique<Engine>(options);
    pool_ = std::make_unique<WorkQueue>(2);
    service_ = std::make_unique<QuoteMatchService>(*engine_, *pool_);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    if (GetParam()) {
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    }
    builder.SetMaxReceiveMessageSize(256 * 1024);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    server_->GetHealthCheckService()->SetServingStatus(true);
    if (GetParam()) {
      ASSERT_GT(port, 0);
      channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials());
    } else {
      channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    }
    stub_ = v1::QuoteMatchService::NewStub(channel_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    pool_->Shutdown();
  }

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WorkQueue> pool_;
  std::unique_ptr<QuoteMatchService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::QuoteMatchService::Stub> stub_;
};

TEST_P(ServiceTest, NormalizeReturnsDisplayKeyTokensAndMaps) {
  grpc::ClientContext ctx;
  v1::NormalizeRequest req;
  req.set_text("علي گفت ۲۴ نفر");
  v1::NormalizeResponse resp;
  grpc::Status st = stub_->Normalize(&ctx, req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.language(), v1::LANGUAGE_PERSIAN);
  EXPECT_EQ(resp.display(), "علی گفت ۲۴ نفر");
  EXPECT_EQ(resp.key(), "علی گفت 24 نفر");
  ASSERT_EQ(resp.tokens_size(), 4);
  EXPECT_EQ(resp.tokens(2).kind(), v1::TOKEN_KIND_NUMBER);
  EXPECT_EQ(resp.tokens(2).number_value(), 24);
  ASSERT_GT(resp.display_map_size(), 0);
  EXPECT_EQ(resp.display_map(resp.display_map_size() - 1).original().end(), req.text().size());
}

TEST_P(ServiceTest, BadInputsGiveStatusCodesNamingTheField) {
  struct Case {
    const char* name;
    std::string text;
    int language;
    grpc::StatusCode code;
    const char* message;
  } cases[] = {
      {"empty", "", 0, grpc::StatusCode::INVALID_ARGUMENT, "text: must not be empty"},
      {"invalid utf8", "ab\xFF", 0, grpc::StatusCode::INVALID_ARGUMENT, "text: invalid UTF-8 at byte 2"},
      {"unknown language", "hello", 9, grpc::StatusCode::INVALID_ARGUMENT, "language: unknown value 9"},
      {"over document limit", std::string(100 * 1024, 'a'), 0, grpc::StatusCode::RESOURCE_EXHAUSTED,
       "text: 102400 bytes exceeds the limit of 65536"},
      {"over message limit", std::string(300 * 1024, 'a'), 0, grpc::StatusCode::RESOURCE_EXHAUSTED,
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext ctx;
    v1::NormalizeRequest req;
    req.set_text(c.text);
    req.set_language(static_cast<v1::Language>(c.language));
    v1::NormalizeResponse resp;
    grpc::Status st = stub_->Normalize(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), c.code) << st.error_message();
    if (*c.message) {
      EXPECT_EQ(st.error_message(), c.message);
    }
  }
}

TEST_P(ServiceTest, ExtractStatementsAndItsErrors) {
  {
    grpc::ClientContext ctx;
    v1::ExtractStatementsRequest req;
    *req.mutable_document() = Doc("fa1", v1::LANGUAGE_PERSIAN, kFa);
    v1::ExtractStatementsResponse resp;
    ASSERT_TRUE(stub_->ExtractStatements(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.statements_size(), 1);
    EXPECT_EQ(resp.statements(0).speaker(), "کریمی");
    EXPECT_EQ(resp.statements(0).kind(), v1::STATEMENT_KIND_DIRECT);
    const auto& span = resp.statements(0).content_span();
    EXPECT_EQ(std::string(kFa).substr(span.begin(), span.end() - span.begin()),
              resp.statements(0).content());
  }
  struct Case {
    const char* name;
    v1::ExtractStatementsRequest req;
    const char* message;
  };
  std::vector<Case> cases(4);
  cases[0] = {"missing document", {}, "document: required"};
  cases[1].name = "unspecified language";
  *cases[1].req.mutable_document() = Doc("x", v1::LANGUAGE_UNSPECIFIED, kEn);
  cases[1].message = "document.language: must be LANGUAGE_ENGLISH or LANGUAGE_PERSIAN";
  cases[2].name = "empty id";
  *cases[2].req.mutable_document() = Doc("", v1::LANGUAGE_ENGLISH, kEn);
  cases[2].message = "document.id: must not be empty";
  cases[3].name = "invalid utf8";
  *cases[3].req.mutable_document() = Doc("x", v1::LANGUAGE_ENGLISH, "\xC3(");
  cases[3].message = "document.text: invalid UTF-8 at byte 0";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext ctx;
    v1::ExtractStatementsResponse resp;
    grpc::Status st = stub_->ExtractStatements(&ctx, c.req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message(), c.message);
  }
}

TEST_P(ServiceTest, AlignDocumentsStreamsPairsThenSummary) {
  grpc::ClientContext ctx;
  v1::AlignDocumentsRequest req;
  *req.mutable_english() = Doc("en1", v1::LANGUAGE_ENGLISH,
                               std::string(kEn) + " Khan said: \"Both governments face strong pressure from voters.\"");
  *req.mutable_persian() = Doc("fa1", v1::LANGUAGE_PERSIAN, kFa);
  auto reader = stub_->AlignDocuments(&ctx, req);
  std::vector<v1::AlignDocumentsResponse> got;
  v1::AlignDocumentsResponse m;
  while (reader->Read(&m)) got.push_back(m);
  grpc::Status st = reader->Finish();
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(got.size(), 2u);
  ASSERT_TRUE(got[0].has_pair());
  EXPECT_GE(got[0].pair().score(), 0.5);
  EXPECT_GT(got[0].pair().evidence_size(), 0);
  ASSERT_TRUE(got[1].has_summary());
  EXPECT_EQ(got[1].summary().pair_count(), 1u);
  EXPECT_EQ(got[1].summary().unmatched_english_size(), 1);

  // The stream carries exactly what the in-process handler returns.
  std::vector<v1::AlignDocumentsResponse> local;
  ASSERT_TRUE(HandleAlignDocuments(*engine_, req, &local).ok());
  ASSERT_EQ(local.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(local[i].SerializeAsString(), got[i].SerializeAsString());
}

TEST_P(ServiceTest, AlignDocumentsErrors) {
  struct Case {
    const char* name;
    v1::AlignDocumentsRequest req;
    grpc::StatusCode code;
    const char* message;
  };
  std::vector<Case> cases(4);
  cases[0] = {"missing english", {}, grpc::StatusCode::INVALID_ARGUMENT, "english: required"};
  cases[1].name = "empty persian text";
  *cases[1].req.mutable_english() = Doc("e", v1::LANGUAGE_ENGLISH, kEn);
  *cases[1].req.mutable_persian() = Doc("p", v1::LANGUAGE_PERSIAN, "");
  cases[1].code = grpc::StatusCode::INVALID_ARGUMENT;
  cases[1].message = "persian.text: must not be empty";
  cases[2].name = "oversize english";
  *cases[2].req.mutable_english() = Doc("e", v1::LANGUAGE_ENGLISH, std::string(70000, 'x'));
  *cases[2].req.mutable_persian() = Doc("p", v1::LANGUAGE_PERSIAN, kFa);
  cases[2].code = grpc::StatusCode::RESOURCE_EXHAUSTED;
  cases[2].message = "english.text: 70000 bytes exceeds the limit of 65536";
  cases[3].name = "bad min score";
  *cases[3].req.mutable_english() = Doc("e", v1::LANGUAGE_ENGLISH, kEn);
  *cases[3].req.mutable_persian() = Doc("p", v1::LANGUAGE_PERSIAN, kFa);
  cases[3].req.set_min_score(-1);
  cases[3].code = grpc::StatusCode::INVALID_ARGUMENT;
  cases[3].message = "min_score: must be in [0, 1], got -1";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext ctx;
    auto reader = stub_->AlignDocuments(&ctx, c.req);
    v1::AlignDocumentsResponse m;
    EXPECT_FALSE(reader->Read(&m));
    grpc::Status st = reader->Finish();
    EXPECT_EQ(st.error_code(), c.code);
    EXPECT_EQ(st.error_message(), c.message);
  }
}

TEST_P(ServiceTest, MatchStreamPairsAsBothSidesArrive) {
  grpc::ClientContext ctx;
  auto stream = stub_->MatchStream(&ctx);
  v1::MatchStreamRequest req;
  *req.mutable_document() = Doc("en1", v1::LANGUAGE_ENGLISH, kEn);
  ASSERT_TRUE(stream->Write(req));
  v1::MatchStreamResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_accepted());
  EXPECT_EQ(resp.accepted().document_id(), "en1");
  EXPECT_EQ(resp.accepted().statement_count(), 1u);

  // A bad document is rejected on its own; the session goes on.
  *req.mutable_document() = Doc("bad", v1::LANGUAGE_PERSIAN, "");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_rejected());
  EXPECT_EQ(resp.rejected().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(resp.rejected().message(), "document.text: must not be empty");

  *req.mutable_document() = Doc("fa1", v1::LANGUAGE_PERSIAN, kFa);
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_accepted());
  ASSERT_TRUE(stream->Read(&resp));
  ASSERT_TRUE(resp.has_pair());
  EXPECT_EQ(resp.pair().english().document_id(), "en1");
  EXPECT_EQ(resp.pair().persian().document_id(), "fa1");
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&resp));
  grpc::Status st = stream->Finish();
  EXPECT_TRUE(st.ok()) << st.error_message();
}

TEST_P(ServiceTest, MatchStreamInvalidMinScoreEndsTheStream) {
  grpc::ClientContext ctx;
  auto stream = stub_->MatchStream(&ctx);
  v1::MatchStreamRequest req;
  req.set_min_score(2);
  *req.mutable_document() = Doc("en1", v1::LANGUAGE_ENGLISH, kEn);
  stream->Write(req);
  stream->WritesDone();
  v1::MatchStreamResponse resp;
  EXPECT_FALSE(stream->Read(&resp));
  grpc::Status st = stream->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "min_score: must be in [0, 1], got 2");
}

TEST_P(ServiceTest, CancelledStreamEndsCleanly) {
  grpc::ClientContext ctx;
  auto stream = stub_->MatchStream(&ctx);
  v1::MatchStreamRequest req;
  *req.mutable_document() = Doc("en1", v1::LANGUAGE_ENGLISH, kEn);
  ASSERT_TRUE(stream->Write(req));
  ctx.TryCancel();
  v1::MatchStreamResponse resp;
  while (stream->Read(&resp)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_P(ServiceTest, HealthIsServing) {
  grpc::GenericStub generic(channel_);
  grpc::ClientContext ctx;
  // grpc.health.v1.HealthCheckRequest{service: ""} is the empty message.
  grpc::ByteBuffer request, response;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  std::promise<grpc::Status> done;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                    [&](grpc::Status st) { done.set_value(st); });
  grpc::Status st = done.get_future().get();
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
}

INSTANTIATE_TEST_SUITE_P(Channels, ServiceTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "RealPort" : "InProcess"; });

}  // namespace
}  // namespace quotematch
