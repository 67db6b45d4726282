// quotematch: the command-line client.
//
// Runs the engine in-process by default; with --server HOST:PORT it calls a
// quotematch server instead. Either way the same request messages go through
// the same handlers (server/handlers.h), so the output is identical.
//
// Usage: see kUsage below, or `quotematch --help`.
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "client/batch_command.h"
#include "normalize/normalizer.h"
#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.grpc.pb.h"
#include "server/convert.h"
#include "server/handlers.h"
#include "store/sqlite_store.h"

namespace quotematch {
namespace {

constexpr char kUsage[] = R"(usage: quotematch COMMAND [OPTIONS] ARGS

Commands:
  normalize [--lang auto|en|fa] FILE     display form, match key and tokens of a text
  extract   [--lang auto|en|fa] [--id ID] FILE
                                         statements with speakers, cues and spans
  align     [--min-score X] EN_FILE FA_FILE
                                         English statements paired with their Persian originals
  ingest    [--lang auto|en|fa] FILE...  store documents in the live feed (id: the file
                                         name); one answer per document
  batch     --manifest FILE --out DIR [...]
                                         align an archive's article pairs listed in a
                                         JSONL manifest (see quotematch batch --help)
  watch     [--from N] [--limit N] [--min-score X]
                                         the live feed's match events after sequence N
                                         (default 0), then new ones as they happen; stops
                                         after --limit events if given

FILE may be "-" for standard input.

Options:
  --server HOST:PORT   call a quotematch server instead of running in-process
  --db PATH            ingest and watch: use this live-feed database in-process
                       (default quotematch.db) instead of a server
  --format json|table  JSON Lines in the protobuf JSON mapping (default), or a
                       table for people
  --timeout SECONDS    deadline of each remote call (default 30)
  -h, --help           this text

Exit codes:
  0  success
  1  internal error
  2  usage error (bad command, option or argument count)
  3  input rejected: unreadable file, or the engine/server refused it
     (INVALID_ARGUMENT, RESOURCE_EXHAUSTED)
  4  the server could not be reached or the call failed otherwise
)";

enum ExitCode { kOk = 0, kInternal = 1, kUsageError = 2, kInputRejected = 3, kRemoteFailed = 4 };

struct Options {
  std::string command;
  std::vector<std::string> args;
  std::string server;
  std::string format = "json";
  std::string lang = "auto";
  std::string id;
  double min_score = 0;
  double timeout_seconds = 30;
  std::string db = "quotematch.db";
  int64_t from = 0;
  int64_t limit = 0;
};

int Usage(const std::string& error) {
  std::fprintf(stderr, "quotematch: %s\n\n%s", error.c_str(), kUsage);
  return kUsageError;
}

// Parses argv; returns an exit code on error or help, nullopt to continue.
std::optional<int> ParseArgs(int argc, char** argv, Options* o) {
  std::vector<std::string> a(argv + 1, argv + argc);
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    if (s == "-h" || s == "--help") {
      std::fputs(kUsage, stdout);
      return kOk;
    }
    auto value = [&](std::string* out) -> bool {
      size_t eq = s.find('=');
      if (eq != std::string::npos) {
        *out = s.substr(eq + 1);
        return true;
      }
      if (i + 1 >= a.size()) return false;
      *out = a[++i];
      return true;
    };
    auto name_is = [&](const char* n) { return s == n || StartsWith(s, StrCat(n, "=")); };
    std::string v;
    if (name_is("--server")) {
      if (!value(&o->server) || o->server.empty()) return Usage("--server needs HOST:PORT");
    } else if (name_is("--format")) {
      if (!value(&o->format) || (o->format != "json" && o->format != "table"))
        return Usage("--format must be json or table");
    } else if (name_is("--lang")) {
      if (!value(&o->lang) || (o->lang != "auto" && o->lang != "en" && o->lang != "fa"))
        return Usage("--lang must be auto, en or fa");
    } else if (name_is("--id")) {
      if (!value(&o->id) || o->id.empty()) return Usage("--id needs a value");
    } else if (name_is("--min-score")) {
      if (!value(&v) || !ParseDouble(v, &o->min_score) || o->min_score < 0 || o->min_score > 1)
        return Usage("--min-score must be a number in [0, 1]");
    } else if (name_is("--db")) {
      if (!value(&o->db) || o->db.empty()) return Usage("--db needs a path");
    } else if (name_is("--from") || name_is("--limit")) {
      const bool from = name_is("--from");
      double x = 0;
      if (!value(&v) || !ParseDouble(v, &x) || x < 0 || x != static_cast<int64_t>(x))
        return Usage(StrCat(from ? "--from" : "--limit", " must be a whole number >= 0"));
      (from ? o->from : o->limit) = static_cast<int64_t>(x);
    } else if (name_is("--timeout")) {
      if (!value(&v) || !ParseDouble(v, &o->timeout_seconds) || o->timeout_seconds <= 0)
        return Usage("--timeout must be a positive number of seconds");
    } else if (s.size() > 1 && s[0] == '-' && s != "-") {
      return Usage(StrCat("unknown option ", s));
    } else if (o->command.empty()) {
      o->command = s;
    } else {
      o->args.push_back(s);
    }
  }
  if (o->command.empty()) return Usage("missing COMMAND");
  size_t want = o->command == "align" ? 2 : o->command == "watch" ? 0 : 1;
  if (o->command != "normalize" && o->command != "extract" && o->command != "align" && o->command != "ingest" &&
      o->command != "watch") {
    return Usage(StrCat("unknown command '", o->command, "'"));
  }
  if (o->command == "ingest") {
    if (o->args.empty()) return Usage("ingest takes one or more files");
  } else if (o->args.size() != want) {
    return Usage(StrCat(o->command, " takes ", want, want == 1 ? " file" : " files", ", got ",
                        o->args.size()));
  }
  return std::nullopt;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  if (!ReadFileToString(path, out)) {
    *error = StrCat("cannot read ", path);
    return false;
  }
  return true;
}

std::string BaseName(const std::string& path) {
  if (path == "-") return "stdin";
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

v1::Language LanguageOf(const std::string& lang, const std::string& text) {
  if (lang == "en") return v1::LANGUAGE_ENGLISH;
  if (lang == "fa") return v1::LANGUAGE_PERSIAN;
  return LanguageToProto(DetectLanguage(text));
}

int ExitFor(const grpc::Status& st, bool remote) {
  switch (st.error_code()) {
    case grpc::StatusCode::OK: return kOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::OUT_OF_RANGE: return kInputRejected;
    default: return remote ? kRemoteFailed : kInternal;
  }
}

int Fail(const grpc::Status& st, bool remote) {
  std::fprintf(stderr, "quotematch: %s%s\n",
               st.error_code() == grpc::StatusCode::UNAVAILABLE && remote ? "server unavailable: " : "",
               st.error_message().c_str());
  return ExitFor(st, remote);
}

void PrintJson(const google::protobuf::Message& m) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &json, options);
  std::cout << json << "\n";
}

// ---- Table output ---------------------------------------------------------

// Display width of a code point in a terminal: combining marks and
// invisible format characters take none.
int Width(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
      (c >= 0x200B && c <= 0x200F)) {
    return 0;
  }
  return 1;
}

// Greedy word wrap to `width` columns.
std::vector<std::string> Wrap(const std::string& text, int width) {
  std::vector<std::string> lines;
  std::string line;
  int line_width = 0;
  for (std::string_view word : Split(text, ' ', true)) {
    int w = 0;
    for (size_t i = 0; i < word.size();) w += Width(DecodeUtf8(word, &i));
    if (line_width > 0 && line_width + 1 + w > width) {
      lines.push_back(line);
      line.clear();
      line_width = 0;
    }
    if (line_width > 0) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string Pad(const std::string& s, int width) {
  int w = 0;
  for (size_t i = 0; i < s.size();) w += Width(DecodeUtf8(s, &i));
  return s + std::string(w < width ? width - w : 0, ' ');
}

std::string Describe(const v1::Statement& s) {
  return StrCat(s.content(), " — ", s.speaker().empty() ? "(speaker unknown)" : s.speaker());
}

void PrintPairsTable(const std::vector<v1::AlignDocumentsResponse>& messages) {
  constexpr int kColumn = 46;
  int n = 0;
  std::cout << Pad("#", 3) << Pad("score", 7) << Pad("English", kColumn) << " | Persian\n";
  std::cout << std::string(3 + 7 + kColumn + 3 + kColumn, '-') << "\n";
  for (const auto& m : messages) {
    if (!m.has_pair()) continue;
    const v1::QuotePair& p = m.pair();
    auto left = Wrap(Describe(p.english()), kColumn);
    auto right = Wrap(Describe(p.persian()), kColumn);
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", p.score());
    for (size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
      std::cout << Pad(i == 0 ? std::to_string(++n) : "", 3) << Pad(i == 0 ? score : "", 7)
                << Pad(i < left.size() ? left[i] : "", kColumn) << " | "
                << (i < right.size() ? right[i] : "") << "\n";
    }
    std::vector<std::string> why;
    for (const auto& e : p.evidence()) {
      if (why.size() == 6) break;
      why.push_back(StrCat(e.english_term(), "=", e.persian_term()));
    }
    std::cout << Pad("", 10) << "evidence: " << StrJoin(why, ", ") << "\n\n";
  }
  for (const auto& m : messages) {
    if (!m.has_summary()) continue;
    std::cout << m.summary().pair_count() << " pairs; unmatched English: "
              << m.summary().unmatched_english_size()
              << ", unmatched Persian: " << m.summary().unmatched_persian_size() << "\n";
    for (const auto& s : m.summary().unmatched_english()) std::cout << "  en  " << Describe(s) << "\n";
    for (const auto& s : m.summary().unmatched_persian()) std::cout << "  fa  " << Describe(s) << "\n";
  }
}

void PrintStatementsTable(const v1::ExtractStatementsResponse& r) {
  for (const auto& s : r.statements()) {
    std::cout << s.id() << "  " << v1::StatementKind_Name(s.kind()) << "  speaker: "
              << (s.speaker().empty() ? "(unknown)" : s.speaker()) << "  cue: " << s.cue() << "\n    "
              << s.content() << "\n";
  }
}

void PrintNormalizeTable(const v1::NormalizeResponse& r) {
  std::cout << "display: " << r.display() << "\nkey:     " << r.key() << "\ntokens:\n";
  for (const auto& t : r.tokens()) {
    std::cout << "  [" << t.span().begin() << "," << t.span().end() << ") "
              << v1::TokenKind_Name(t.kind()) << " " << t.key();
    if (t.kind() == v1::TOKEN_KIND_NUMBER) std::cout << " = " << t.number_value();
    std::cout << "\n";
  }
  for (const auto& q : r.quantities()) {
    std::cout << "quantity [" << q.span().begin() << "," << q.span().end() << ") = " << std::fixed
              << std::setprecision(q.value() == static_cast<int64_t>(q.value()) ? 0 : 3) << q.value()
              << (q.ordinal() ? " (ordinal)" : "") << "\n";
  }
  for (const auto& d : r.dates()) {
    std::cout << "date     [" << d.span().begin() << "," << d.span().end() << ") = " << d.year() << "-"
              << d.month() << "-" << d.day() << (d.solar_hijri() ? " (written in the Solar Hijri calendar)" : "")
              << "\n";
  }
}

// ---- Commands ---------------------------------------------------------------

class Runner {
 public:
  explicit Runner(const Options& o) : o_(o) {
    if (!o.server.empty()) {
      grpc::ChannelArguments args;
      args.SetMaxReceiveMessageSize(64 << 20);
      channel_ = grpc::CreateCustomChannel(o.server, grpc::InsecureChannelCredentials(), args);
      stub_ = v1::QuoteMatchService::NewStub(channel_);
    }
  }
  bool remote() const { return stub_ != nullptr; }

  grpc::Status Normalize(const v1::NormalizeRequest& req, v1::NormalizeResponse* resp) {
    if (!remote()) return HandleNormalize(engine_, req, resp);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub_->Normalize(&ctx, req, resp);
  }

  grpc::Status Extract(const v1::ExtractStatementsRequest& req, v1::ExtractStatementsResponse* resp) {
    if (!remote()) return HandleExtractStatements(engine_, req, resp);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub_->ExtractStatements(&ctx, req, resp);
  }

  grpc::Status Align(const v1::AlignDocumentsRequest& req,
                     std::vector<v1::AlignDocumentsResponse>* out) {
    if (!remote()) return HandleAlignDocuments(engine_, req, out);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto reader = stub_->AlignDocuments(&ctx, req);
    v1::AlignDocumentsResponse m;
    while (reader->Read(&m)) out->push_back(m);
    return reader->Finish();
  }

 private:
  void SetDeadline(grpc::ClientContext* ctx) const {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(static_cast<int64_t>(o_.timeout_seconds * 1000)));
  }
  const Options& o_;
  Engine engine_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::QuoteMatchService::Stub> stub_;
};

// ingest and watch: on a server's feed (--server) or on a database in
// this process (--db).
int RunFeed(const Options& o, const std::vector<std::string>& texts) {
  const bool remote = !o.server.empty();
  std::unique_ptr<Engine> engine;
  std::unique_ptr<LiveFeed> feed;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::QuoteMatchService::Stub> stub;
  if (remote) {
    channel = grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
    stub = v1::QuoteMatchService::NewStub(channel);
  } else {
    engine = std::make_unique<Engine>();
    auto store = OpenSqliteStore(o.db);
    if (!store.ok()) return Fail(ToGrpcStatus(store.status()), false);
    auto opened = LiveFeed::Open(*engine, *std::move(store), {});
    if (!opened.ok()) return Fail(ToGrpcStatus(opened.status()), false);
    feed = *std::move(opened);
  }
  if (o.command == "ingest") {
    std::vector<v1::IngestDocumentsRequest> requests(o.args.size());
    for (size_t i = 0; i < o.args.size(); ++i) {
      v1::Document* d = requests[i].mutable_document();
      d->set_id(BaseName(o.args[i]));
      d->set_language(LanguageOf(o.lang, texts[i]));
      d->set_text(texts[i]);
    }
    bool rejected = false;
    auto print = [&](const v1::IngestDocumentsResponse& r) {
      rejected |= r.has_rejected();
      if (o.format == "table") {
        if (r.has_stored()) {
          std::cout << r.stored().document_id() << "  stored  " << r.stored().statement_count() << " statements  v"
                    << r.stored().version() << "\n";
        } else {
          std::cout << r.rejected().document_id() << "  rejected  " << r.rejected().message() << "\n";
        }
      } else {
        PrintJson(r);
      }
    };
    if (!remote) {
      IngestHandler handler(*feed);
      for (const auto& req : requests) {
        std::vector<v1::IngestDocumentsResponse> out;
        grpc::Status st = handler.OnRequest(req, &out);
        if (!st.ok()) return Fail(st, false);
        for (const auto& r : out) print(r);
      }
      return rejected ? kInputRejected : kOk;
    }
    grpc::ClientContext ctx;
    auto stream = stub->IngestDocuments(&ctx);
    for (const auto& req : requests) {
      v1::IngestDocumentsResponse r;
      if (!stream->Write(req) || !stream->Read(&r)) break;
      print(r);
    }
    stream->WritesDone();
    grpc::Status st = stream->Finish();
    if (!st.ok()) return Fail(st, true);
    return rejected ? kInputRejected : kOk;
  }
  // watch
  v1::WatchMatchesRequest req;
  req.set_after_sequence(o.from);
  req.set_min_score(o.min_score);
  int64_t printed = 0;
  auto print = [&](const v1::MatchEvent& e) {
    if (o.format == "table") {
      std::cout << e.sequence() << "  " << v1::MatchEventType_Name(e.type()) << "  match " << e.match_id() << "  "
                << e.english_statement_id() << " ~ " << e.persian_statement_id() << "  " << e.score() << "\n";
    } else {
      PrintJson(e);
    }
    std::cout.flush();
    ++printed;
  };
  if (remote) {
    grpc::ClientContext ctx;
    auto reader = stub->WatchMatches(&ctx, req);
    v1::WatchMatchesResponse r;
    while ((o.limit == 0 || printed < o.limit) && reader->Read(&r)) print(r.event());
    if (o.limit != 0 && printed >= o.limit) {
      ctx.TryCancel();
      while (reader->Read(&r)) {
      }
      reader->Finish();
      return kOk;
    }
    return Fail(reader->Finish(), true);
  }
  grpc::Status valid = ValidateWatch(req);
  if (!valid.ok()) return Fail(valid, false);
  // In-process: read the database, then poll it for events other processes
  // (a server on the same file) record.
  int64_t cursor = o.from;
  while (o.limit == 0 || printed < o.limit) {
    auto page = feed->EventsAfter(cursor, 256);
    if (!page.ok()) return Fail(ToGrpcStatus(page.status()), false);
    for (const MatchEvent& e : *page) {
      cursor = e.sequence;
      if (!WatchFilterAccepts(req, e)) continue;
      v1::MatchEvent m;
      MatchEventToProto(e, &m);
      print(m);
      if (o.limit != 0 && printed >= o.limit) return kOk;
    }
    if (page->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return kOk;
}

int Run(const Options& o) {
  std::vector<std::string> texts(o.args.size());
  for (size_t i = 0; i < o.args.size(); ++i) {
    std::string error;
    if (!ReadFile(o.args[i], &texts[i], &error)) {
      std::fprintf(stderr, "quotematch: %s\n", error.c_str());
      return kInputRejected;
    }
  }
  if (o.command == "ingest" || o.command == "watch") return RunFeed(o, texts);
  Runner runner(o);
  const bool table = o.format == "table";
  if (o.command == "normalize") {
    v1::NormalizeRequest req;
    req.set_text(texts[0]);
    req.set_language(o.lang == "auto" ? v1::LANGUAGE_UNSPECIFIED : LanguageOf(o.lang, texts[0]));
    v1::NormalizeResponse resp;
    grpc::Status st = runner.Normalize(req, &resp);
    if (!st.ok()) return Fail(st, runner.remote());
    table ? PrintNormalizeTable(resp) : PrintJson(resp);
    return kOk;
  }
  if (o.command == "extract") {
    v1::ExtractStatementsRequest req;
    v1::Document* doc = req.mutable_document();
    doc->set_id(o.id.empty() ? BaseName(o.args[0]) : o.id);
    doc->set_language(LanguageOf(o.lang, texts[0]));
    doc->set_text(texts[0]);
    v1::ExtractStatementsResponse resp;
    grpc::Status st = runner.Extract(req, &resp);
    if (!st.ok()) return Fail(st, runner.remote());
    if (table) {
      PrintStatementsTable(resp);
    } else {
      for (const auto& s : resp.statements()) PrintJson(s);
    }
    return kOk;
  }
  v1::AlignDocumentsRequest req;
  req.mutable_english()->set_id(BaseName(o.args[0]));
  req.mutable_english()->set_language(v1::LANGUAGE_ENGLISH);
  req.mutable_english()->set_text(texts[0]);
  req.mutable_persian()->set_id(BaseName(o.args[1]));
  req.mutable_persian()->set_language(v1::LANGUAGE_PERSIAN);
  req.mutable_persian()->set_text(texts[1]);
  req.set_min_score(o.min_score);
  std::vector<v1::AlignDocumentsResponse> out;
  grpc::Status st = runner.Align(req, &out);
  if (!st.ok()) return Fail(st, runner.remote());
  if (table) {
    PrintPairsTable(out);
  } else {
    for (const auto& m : out) PrintJson(m);
  }
  return kOk;
}

}  // namespace
}  // namespace quotematch

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "batch") return quotematch::RunBatchCommand(argc - 1, argv + 1);
  quotematch::Options options;
  if (auto code = quotematch::ParseArgs(argc, argv, &options)) return *code;
  return quotematch::Run(options);
}
