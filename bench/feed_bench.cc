// feed_bench: how long the live feed takes to be ready after a restart.
//
//   build/bench/feed_bench [--statements N] [--db PATH] [--keep]
//
// Fills a fresh store (or reuses --db if it holds enough) with copies of
// our annotated example articles (examples/extract/), each copy its own
// document with its extracted statements, until it holds N statements
// (default 100,000; target: ready in under 10 s), then opens the feed on it
// and prints the rebuild time, the documents and statements indexed, and
// the process's peak memory. The fill is timed and printed too.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "feed/live_feed.h"
#include "store/sqlite_store.h"

namespace {

using quotematch::Document;
using quotematch::Language;

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t target = 100000;
  std::string db = (std::filesystem::temp_directory_path() / "quotematch_feed_bench.db").string();
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--statements" && i + 1 < argc) target = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--db" && i + 1 < argc) db = argv[++i];
    else if (a == "--keep") keep = true;
    else {
      std::fprintf(stderr, "usage: feed_bench [--statements N] [--db PATH] [--keep]\n");
      return 2;
    }
  }
  quotematch::Engine engine;
  std::vector<Document> articles;
  for (const auto& e : std::filesystem::directory_iterator(std::string(QM_SOURCE_DIR) + "/examples/extract")) {
    const std::string name = e.path().filename().string();
    const bool en = name.ends_with(".en.txt"), fa = name.ends_with(".fa.txt");
    if (!en && !fa) continue;
    std::string text;
    if (!quotematch::ReadFileToString(e.path().string(), &text)) continue;
    articles.push_back({name, en ? Language::kEnglish : Language::kPersian, text, 1700000000, "bench"});
  }
  std::sort(articles.begin(), articles.end(), [](const Document& a, const Document& b) { return a.id < b.id; });
  if (articles.empty()) {
    std::fprintf(stderr, "feed_bench: no example articles\n");
    return 1;
  }
  {
    auto store = quotematch::OpenSqliteStore(db);
    if (!store.ok()) {
      std::fprintf(stderr, "feed_bench: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    size_t statements = static_cast<size_t>(*(*store)->StatementCount());
    size_t copy = static_cast<size_t>(*(*store)->DocumentCount());
    std::vector<std::vector<quotematch::Statement>> extracted;
    for (const Document& d : articles) extracted.push_back(*engine.Extract(d));
    while (statements < target) {
      const size_t k = copy % articles.size();
      Document d = articles[k];
      d.id = std::to_string(copy) + "-" + d.id;
      d.published_unix_seconds = 1700000000 + static_cast<int64_t>(copy) * 60;
      std::vector<quotematch::Statement> st = extracted[k];
      for (size_t i = 0; i < st.size(); ++i) {
        st[i].document_id = d.id;
        st[i].id = d.id + "#" + std::to_string(i);
      }
      auto put = (*store)->PutDocument(d, st);
      if (!put.ok()) {
        std::fprintf(stderr, "feed_bench: %s\n", std::string(put.status().message()).c_str());
        return 1;
      }
      if (!(*store)->Record(d.id, {}).ok()) return 1;   // matched, with no pairs: rebuild only
      statements += st.size();
      ++copy;
    }
    std::printf("store: %zu documents, %zu statements (fill %.1f s)\n", copy, statements,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  auto store = quotematch::OpenSqliteStore(db);
  if (!store.ok()) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  auto feed = quotematch::LiveFeed::Open(engine, *std::move(store), {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!feed.ok()) {
    std::fprintf(stderr, "feed_bench: %s\n", std::string(feed.status().message()).c_str());
    return 1;
  }
  const auto& r = (*feed)->rebuild_stats();
  std::printf("rebuild: %zu documents, %zu statements indexed in %.2f s (%.0f statements/s); peak RSS %.0f MiB\n",
              r.documents, r.statements, seconds, r.statements / seconds, PeakRssMiB());
  if (!keep) {
    feed->reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }
  return 0;
}
